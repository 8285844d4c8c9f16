"""``{% address "storefront:home" %}``: the address of a URL name that takes no
arguments, reversed once per URL configuration and script prefix. ``{% url %}``
reverses on every render (50-70 us each on the bench machine), and the storefront's
and the dashboard's base pages print a dozen fixed addresses on every request."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_addresses: dict[tuple[str, str, str], str] = {}


@register.simple_tag
def address(name: str) -> str:
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), name)
    found = _addresses.get(key)
    if found is None:
        found = _addresses[key] = reverse(name)
    return found
