from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import customer_merge
from comptoir.team.permissions import Permission

urlpatterns = [
    path(
        "customers/duplicates/",
        customer_merge.customer_duplicates,
        name="customer_duplicates",
    ),
    path(
        "customers/<int:customer_id>/merge/",
        customer_merge.customer_merge,
        name="customer_merge",
    ),
]
menu = [
    Entry(_("Duplicate customers"), "dashboard:customer_duplicates", Permission.MANAGE_CUSTOMERS),
]
