"""Checkout pages, the confirmation page and the order status page
(``storefront:checkout*``, ``storefront:order_status``)."""

from django.urls import URLPattern, path

from comptoir.storefront import checkout_views, order_views, test_gateway_views

urlpatterns: list[URLPattern] = [
    path("checkout/", checkout_views.checkout_page, name="checkout"),
    path("checkout/done/<str:number>/", order_views.checkout_done, name="checkout_done"),
    path("donate/", checkout_views.donate_page, name="donate"),
    path(
        "orders/<str:number>/status/<str:token>/",
        order_views.order_status,
        name="order_status",
    ),
    path(
        "orders/<str:number>/status/<str:token>/arrived/",
        order_views.order_arrived,
        name="order_arrived",
    ),
    path(
        "test-gateway/tokens/",
        test_gateway_views.tokenize_card,
        name="test_gateway_token",
    ),
]
