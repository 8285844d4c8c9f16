from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import customer_import
from comptoir.team.permissions import Permission

urlpatterns = [
    path("customers/import/", customer_import.customer_import, name="customer_import"),
]
menu = [Entry(_("Import customers"), "dashboard:customer_import", Permission.MANAGE_CUSTOMERS)]
