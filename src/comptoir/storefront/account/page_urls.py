"""The signed-in shopper's own pages under /account/ (``storefront:account_*``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
