from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import customer_csv, customers
from comptoir.team.permissions import Permission

urlpatterns = [
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/export.csv", customer_csv.customer_export, name="customer_export"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path(
        "customers/<int:customer_id>/password-link/",
        customers.customer_password_link,
        name="customer_password_link",
    ),
]
menu = [Entry(_("Customers"), "dashboard:customer_list", Permission.VIEW_CUSTOMERS)]
