from django.urls import URLPattern, path

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import order_refunds

urlpatterns: list[URLPattern] = [
    path(
        "orders/<int:order_id>/remove-items/",
        order_refunds.order_remove_items,
        name="order_remove_items",
    ),
]
menu: list[Entry] = []  # reached from an order's page, not the menu
