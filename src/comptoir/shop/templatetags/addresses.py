"""``{% address "storefront:home" %}``: the address of a URL name that takes no
arguments, reversed once per URL configuration and script prefix. ``{% url %}``
reverses on every render (50-70 us each on the bench machine), and the storefront's
and the dashboard's base pages print a dozen fixed addresses on every request.

``{{ product.slug|product_address }}``: a product page's address, for the grids of
product cards (the home page prints 192 of them): the address is reversed once with a
stand-in slug, and each card's slug put in its place."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_addresses: dict[tuple[str, str, str], str] = {}
_product_parts: dict[tuple[str, str], tuple[str, str]] = {}
# Holds no character a slug cannot (so the reversed address keeps it as it is).
_SLUG_STAND_IN = "slug-stand-in"


def _key() -> tuple[str, str]:
    return get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)


@register.simple_tag
def address(name: str) -> str:
    key = (*_key(), name)
    found = _addresses.get(key)
    if found is None:
        found = _addresses[key] = reverse(name)
    return found


@register.filter
def product_address(slug: str) -> str:
    """The storefront address of the product whose slug is ``slug``, as
    ``{% url "storefront:product" slug %}`` gives it: a slug (letters, digits, "-", "_")
    needs no escaping in a path, so putting it in place of the stand-in is the same."""
    key = _key()
    parts = _product_parts.get(key)
    if parts is None:
        before, after = reverse("storefront:product", args=[_SLUG_STAND_IN]).split(_SLUG_STAND_IN)
        parts = _product_parts[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"
