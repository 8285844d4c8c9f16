"""Checkout pages, the confirmation page and the order status page
(``storefront:checkout*``, ``storefront:order_status``)."""

from django.urls import URLPattern, path

from comptoir.storefront import test_gateway_views

urlpatterns: list[URLPattern] = [
    path(
        "test-gateway/tokens/",
        test_gateway_views.test_gateway_token,
        name="test_gateway_token",
    ),
]
