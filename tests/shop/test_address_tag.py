"""``{% address %}``: a fixed URL name's address, reversed once per URL configuration and
script prefix (an app mounted under a prefix gets its own addresses, not the cached ones)."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import get_script_prefix, reverse, set_script_prefix

TEMPLATE = Template("{% load addresses %}{% address 'storefront:cart' %}")


def test_the_address_is_the_reversed_one_and_follows_the_script_prefix():
    before = get_script_prefix()
    try:
        at_root = TEMPLATE.render(Context())
        set_script_prefix("/shop/")
        under_prefix = TEMPLATE.render(Context())
        set_script_prefix(before)
        again = TEMPLATE.render(Context())
    finally:
        set_script_prefix(before)

    assert at_root == again == reverse("storefront:cart")
    assert under_prefix == "/shop" + reverse("storefront:cart")
