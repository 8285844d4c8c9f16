from django.urls import path

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import customer_privacy

urlpatterns: list = [
    path(
        "customers/<int:customer_id>/erase/",
        customer_privacy.customer_erase,
        name="customer_erase",
    ),
]
menu: list[Entry] = []
