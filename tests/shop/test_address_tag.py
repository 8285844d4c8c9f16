"""``{% address %}``: a fixed URL name's address, reversed once per URL configuration and
script prefix (an app mounted under a prefix gets its own addresses, not the cached ones)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from hypothesis import given
from hypothesis.strategies import from_regex, integers

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


WITH = Template("{% load addresses %}{% address_with name value %}")


@given(pk=integers(min_value=1, max_value=2**63 - 1))
def test_an_address_with_an_id_is_the_one_url_reverses(pk):
    for name in ("dashboard:product_edit", "dashboard:customer_detail"):
        assert WITH.render(Context({"name": name, "value": pk})) == reverse(name, args=[pk])


def test_an_address_with_a_value_that_is_no_id_nor_slug_is_reversed_as_url_does():
    # No stand-in shortcut for it: the real reverse, which refuses it as {% url %} does.
    with pytest.raises(NoReverseMatch):
        WITH.render(Context({"name": "storefront:product", "value": "café crème"}))
    with pytest.raises(NoReverseMatch):
        reverse("storefront:product", args=["café crème"])
