"""A shopper fills a cart on a phone: from the home page's cards and a product page,
then reads the total on a cart page that fits a 375 px wide screen."""

from __future__ import annotations

import pytest

from tests.e2e.test_phone_shells import assert_no_horizontal_scroll
from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_shopper_adds_two_products_on_a_phone_and_reads_the_total(phone):
    location = LocationFactory(name="Boulangerie du Canal")
    category = CategoryFactory(name_fr="Viennoiseries", name_en="Pastries")
    long_name = "Croissant au beurre AOP Charentes-Poitou, feuilletage maison"
    croissant = ProductFactory(
        category=category, name_fr=long_name, name_en=long_name, slug="croissant", price=125
    )
    tart = ProductFactory(
        category=category, name_fr="Tarte au citron", name_en="Lemon tart", slug="tart", price=340
    )
    for product in (croissant, tart):
        AvailabilityFactory(product=product, location=location, stock=20)

    phone.goto("/")
    card = phone.locator("li.product-card", has_text=long_name)
    card.locator("form.add-to-cart button").click()
    phone.wait_for_url("**/")
    assert phone.locator("#cart-link").get_attribute("data-count") == "1"

    phone.goto("/products/tart/")
    assert_no_horizontal_scroll(phone)
    phone.fill("input[name=quantity]", "2")
    phone.locator("form.add-to-cart button").click()
    phone.wait_for_url("**/products/tart/")

    phone.locator("#cart-link").click()
    phone.wait_for_url("**/cart/")
    assert phone.locator(".cart-line").count() == 2
    subtotal = phone.locator(".subtotal strong").inner_text().replace("\xa0", " ")
    assert subtotal == "8,05 €"  # 1,25 € + 2 x 3,40 €, in the shop's French
    assert phone.locator("#cart-link").get_attribute("data-count") == "3"
    assert_no_horizontal_scroll(phone)

    # With JavaScript, htmx updates a quantity in place (the header count too).
    phone.fill("#quantity-tart", "3")
    phone.locator("#line-tart .quantity-form button").click()
    phone.locator(".cart .notice").wait_for()
    assert phone.locator(".subtotal strong").inner_text().replace("\xa0", " ") == "11,45 €"
    assert phone.locator("#cart-link").get_attribute("data-count") == "4"
