from django.urls import path

from comptoir.dashboard.views import counter

urlpatterns = [
    path("orders/new/", counter.counter_order_new, name="counter_order_new"),
]
# Reached from the Orders page's "New order" link.
menu: list = []
