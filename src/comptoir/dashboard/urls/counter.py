from django.urls import path

from comptoir.dashboard.views import counter

urlpatterns = [
    path("orders/new/", counter.counter_order_new, name="counter_order_new"),
    path(
        "orders/new/links/<int:link_id>/cancel/",
        counter.counter_link_cancel,
        name="counter_link_cancel",
    ),
    path(
        "orders/new/links/<int:link_id>/resend/",
        counter.counter_link_resend,
        name="counter_link_resend",
    ),
]
# Reached from the Orders page's "New order" link.
menu: list = []
