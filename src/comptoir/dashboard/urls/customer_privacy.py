from django.urls import path

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import customer_privacy

urlpatterns: list = [
    path(
        "customers/<int:customer_id>/erase/",
        customer_privacy.customer_erase,
        name="customer_erase",
    ),
    path(
        "customers/<int:customer_id>/data.json",
        customer_privacy.customer_data_export,
        name="customer_data_export",
    ),
]
menu: list[Entry] = []
