"""``{% address "storefront:home" %}``: the address of a URL name that takes no
arguments, reversed once per URL configuration and script prefix. ``{% url %}``
reverses on every render (50-70 us each on the bench machine), and the storefront's
and the dashboard's base pages print a dozen fixed addresses on every request.

``{% address_with "dashboard:product_edit" product.pk %}`` and
``{{ product.slug|product_address }}``: the address of a URL name that takes one
argument, for lists that print one a row or card (the storefront home prints 192 product
cards, the dashboard's product list 100 links): reversed once with a stand-in argument,
each row's value (an id; a slug for the product) put in its place; anything else is
reversed as ``{% url %}`` would, so the address is the same or the error is."""

from __future__ import annotations

import re

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_addresses: dict[tuple[str, str, str], str] = {}
_parts: dict[tuple[str, str, str], tuple[str, str]] = {}
# Digits: accepted by the int, slug and str path converters, and kept as they are.
_STAND_IN = "7913572468135"
# Django's slug path converter's pattern: a path keeps such a value as it is.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _key() -> tuple[str, str]:
    return get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)


@register.simple_tag
def address(name: str) -> str:
    key = (*_key(), name)
    found = _addresses.get(key)
    if found is None:
        found = _addresses[key] = reverse(name)
    return found


@register.simple_tag
def address_with(name: str, value: object) -> str:
    """``{% url name value %}`` for a URL name taking one argument, ``value`` an id."""
    if type(value) is int and value >= 0:  # digits: every path converter keeps them so
        return _substituted(name, str(value))
    return reverse(name, args=[value])


@register.filter
def product_address(slug: str) -> str:
    """The storefront address of the product whose slug is ``slug``."""
    if isinstance(slug, str) and _SLUG.fullmatch(slug):  # the slug converter's own pattern
        return _substituted("storefront:product", slug)
    return reverse("storefront:product", args=[slug])


def _substituted(name: str, text: str) -> str:
    key = (*_key(), name)
    parts = _parts.get(key)
    if parts is None:
        before, after = reverse(name, args=[_STAND_IN]).split(_STAND_IN)
        parts = _parts[key] = (before, after)
    return f"{parts[0]}{text}{parts[1]}"
