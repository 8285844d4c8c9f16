"""A shopper goes from the home's first products of a category to all of them, a page at
a time; the home's and the category page's links and pagination pass axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from comptoir.shop.selectors import get_shop
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import PHONE
from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def screen(browser, live_server, request) -> Iterator:
    context = browser.new_context(viewport=request.param, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def big_catalogue() -> None:
    shop = get_shop()
    shop.published_language = "en"
    shop.save(update_fields=["published_language"])
    location = LocationFactory(name="Boulangerie du Canal")
    LocationFactory(name="Vaugirard")  # the location picker shows too
    breads = CategoryFactory(name_en="Breads", slug="breads", position=0)
    for position in range(50):
        product = ProductFactory(
            category=breads, name_en=f"Loaf {position}", slug=f"loaf-{position}", position=position
        )
        AvailabilityFactory(product=product, location=location, stock=0 if position == 1 else None)
    for position in range(1, 25):  # a second page of categories
        product = ProductFactory(category=CategoryFactory(position=position))
        AvailabilityFactory(product=product, location=location)


def test_shopper_sees_all_of_a_category_page_by_page(screen, big_catalogue):
    screen.goto("/")
    assert_no_serious_violations(screen, where="home with more products and categories")

    # The category's name is visually hidden: the link's name reads "See all 50 : Breads".
    screen.get_by_role("link", name=re.compile(r"^See all 50\s*: Breads$")).click()
    screen.wait_for_url("**/categories/breads/")
    assert screen.locator(".product-card").count() == 48
    assert_no_serious_violations(screen, where="category page")

    screen.get_by_role("link", name="More products").click()
    screen.wait_for_url("**/categories/breads/?page=2")
    assert screen.locator(".product-card").count() == 2
    assert_no_serious_violations(screen, where="second page of a category")
