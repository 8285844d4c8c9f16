"""``{% address %}``: a fixed URL name's address, reversed once per URL configuration and
script prefix (an app mounted under a prefix gets its own addresses, not the cached ones)."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import get_script_prefix, reverse, set_script_prefix
from hypothesis import given
from hypothesis.strategies import from_regex

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


PRODUCT = Template("{% load addresses %}{{ slug|product_address }}")


@given(slug=from_regex(r"\A[-a-zA-Z0-9_]{1,80}\Z"))
def test_a_product_address_is_the_one_url_reverses_for_any_slug(slug):
    assert PRODUCT.render(Context({"slug": slug})) == reverse("storefront:product", args=[slug])


def test_a_product_address_follows_the_script_prefix():
    before = get_script_prefix()
    try:
        set_script_prefix("/shop/")
        under_prefix = PRODUCT.render(Context({"slug": "pain-de-mie"}))
    finally:
        set_script_prefix(before)
    assert under_prefix == "/shop" + reverse("storefront:product", args=["pain-de-mie"])
    assert PRODUCT.render(Context({"slug": "pain-de-mie"})) == reverse(
        "storefront:product", args=["pain-de-mie"]
    )
