from django.urls import path

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import customer_records

urlpatterns = [
    path("customers/new/", customer_records.customer_create, name="customer_create"),
    path(
        "customers/<int:customer_id>/edit/",
        customer_records.customer_edit,
        name="customer_edit",
    ),
    path(
        "customers/<int:customer_id>/approve/",
        customer_records.customer_approve,
        name="customer_approve",
    ),
]
# Reached from the directory's "New customer" button and the profile's "Edit".
menu: list[Entry] = []
