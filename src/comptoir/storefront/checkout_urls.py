"""Checkout pages, the confirmation page and the order status page
(``storefront:checkout*``, ``storefront:order_status``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
