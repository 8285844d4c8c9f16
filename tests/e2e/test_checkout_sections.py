"""The checkout shows only what the shopper's choices need: the fields of the chosen
fulfilment (checkout.js hides the others, out of the tab order) with its fee in the
summary, and the new card's inputs only when paying with a new card. Without JavaScript
every field shows and the server checks what was posted."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import timezone

from comptoir.accounts.services.cards import save_card
from comptoir.orders.models import FulfilmentType, Order
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.models import TestCharge
from comptoir.shop.selectors import get_shop
from tests.checkout.checkout_helpers import card_token, shop_location
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import PHONE
from tests.factories import PASSWORD, ShopperFactory
from tests.orders.factories import stocked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
# Every field of the fulfilment part, and the fulfilments each one is for.
FIELDS = {
    "#id_pickup_at": {"pickup", "curbside"},
    "input[name=vehicle]": {"curbside"},
    "input[name=address_line1]": {"delivery", "shipping"},
    "input[name=address_line2]": {"delivery", "shipping"},
    "input[name=postal_code]": {"delivery", "shipping"},
    "input[name=city]": {"delivery", "shipping"},
    "textarea[name=courier_notes]": {"delivery"},
}
FIRST_FIELD = {
    "pickup": "id_pickup_at",
    "curbside": "id_pickup_at",
    "delivery": "id_address_line1",
    "shipping": "id_address_line1",
}


@pytest.fixture
def bakery():
    """Martyrs offers pickup, curbside, delivery (75009 and 75010, 3,50) and shipping (6,90)."""
    shop = get_shop()
    shop.published_language = "en"  # the steps read the English source texts
    shop.save(update_fields=["published_language"])
    location = shop_location()
    stocked(location, price=250, slug="croissant", name_en="Croissant", name_fr="Croissant")
    return location


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def screen(browser, live_server, request) -> Iterator:
    context = browser.new_context(viewport=request.param, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def to_checkout(page, location) -> None:
    page.goto(f"/?location={location.slug}")
    page.goto("/products/croissant/")
    page.locator("form.add-to-cart button").click()
    page.wait_for_url("**/products/croissant/")
    page.goto("/checkout/")


def visible_fields(page) -> set[str]:
    return {selector for selector in FIELDS if page.locator(selector).is_visible()}


def summary_text(page) -> str:
    return " ".join(page.locator(".checkout-summary").inner_text().split())


def test_each_fulfilment_shows_only_its_own_fields(screen, bakery):
    page = screen
    to_checkout(page, bakery)

    assert visible_fields(page) == set()  # nothing chosen yet: no fulfilment's fields
    for fulfilment in ("pickup", "curbside", "delivery", "shipping"):
        radio = page.locator(f"input[name=fulfilment][value={fulfilment}]")
        radio.check()
        expected = {selector for selector, shown_for in FIELDS.items() if fulfilment in shown_for}
        assert visible_fields(page) == expected, fulfilment
        # The hidden parts are out of the tab order: the chosen fulfilment's first field follows.
        radio.focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == FIRST_FIELD[fulfilment], fulfilment
    assert page.get_by_text("Delivery fees depend on the postal code").is_hidden()
    assert "(pickup and curbside)" not in page.locator("form").inner_text()

    page.check("input[name=fulfilment][value=delivery]")
    assert page.get_by_text("Delivery fees depend on the postal code").is_visible()
    assert_no_serious_violations(page, where="checkout, delivery chosen")


def test_the_summary_shows_the_fee_of_the_chosen_fulfilment(phone, bakery):
    page = phone
    to_checkout(page, bakery)
    assert "Delivery" not in summary_text(page) and "Shipping" not in summary_text(page)

    page.check("input[name=fulfilment][value=shipping]")
    assert re.search(r"Shipping €?6[.,]90.*Total €?9[.,]40", summary_text(page))

    page.check("input[name=fulfilment][value=delivery]")
    assert re.search(r"Delivery from €?3[.,]50.*Total from €?6[.,]00", summary_text(page))
    page.fill("input[name=postal_code]", "75 010")
    text = summary_text(page)
    assert re.search(r"Delivery €?3[.,]50.*Total €?6[.,]00", text) and "from" not in text

    page.check("input[name=fulfilment][value=pickup]")
    assert "Delivery" not in summary_text(page) and "Total" not in summary_text(page)


def test_a_delivery_is_placed_with_the_other_fulfilments_fields_hidden(phone, bakery):
    page = phone
    to_checkout(page, bakery)
    page.fill("input[name=email]", "lea@example.com")
    page.check("input[name=fulfilment][value=delivery]")
    page.fill("input[name=address_line1]", "3 rue Milton")
    page.fill("input[name=postal_code]", "75009")
    page.fill("input[name=city]", "Paris")
    page.fill("textarea[name=courier_notes]", "Code 1234")
    page.fill("#card-number", "4242 4242 4242 4242")
    page.fill("#card-exp-month", "12")
    page.fill("#card-exp-year", str(timezone.now().year + 2))
    page.fill("#card-cvc", "123")

    page.get_by_role("button", name="Pay and place the order").click()
    page.wait_for_url("**/checkout/done/**")

    order = Order.objects.get()
    assert order.fulfilment.type == FulfilmentType.DELIVERY
    assert order.fulfilment.courier_notes == "Code 1234"
    assert order.total == 250 + 350


def test_a_refused_delivery_comes_back_with_its_fields_shown(phone, bakery):
    page = phone
    to_checkout(page, bakery)
    page.fill("input[name=email]", "lea@example.com")
    page.check("input[name=fulfilment][value=delivery]")

    with page.expect_navigation():
        page.get_by_role("button", name="Pay and place the order").click()

    assert page.locator("input[name=fulfilment][value=delivery]").is_checked()
    assert page.get_by_text("Give the street address.").is_visible()
    assert visible_fields(page) == {s for s, shown in FIELDS.items() if "delivery" in shown}
    assert Order.objects.count() == 0


def test_without_javascript_every_field_shows(browser, live_server, bakery):
    context = browser.new_context(
        viewport=PHONE, locale="en-GB", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        to_checkout(page, bakery)
        assert visible_fields(page) == set(FIELDS)
        assert page.get_by_text("(pickup and curbside)").is_visible()
        assert page.locator("input[name=password]").is_visible()
        assert page.locator("#card-number").is_visible()
    finally:
        context.close()


@pytest.fixture
def shopper_with_card(bakery):
    customer = ShopperFactory(email="lea@example.com")
    card = save_card(customer=customer, gateway=TestGateway(), card_token=card_token())
    return customer, card


def sign_in(page, email: str) -> None:
    page.goto("/account/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/account/.*"))


def test_paying_with_a_saved_card_hides_the_new_card_inputs(screen, bakery, shopper_with_card):
    page = screen
    customer, card = shopper_with_card
    sign_in(page, customer.email)
    to_checkout(page, bakery)
    saved = page.get_by_role("radio", name=re.compile(r"4242"))
    new = page.get_by_role("radio", name="A new card")

    assert saved.is_checked()  # the primary card is chosen first
    assert page.locator("#card-number").is_hidden()
    assert page.locator("input[name=save_card]").is_hidden()
    assert_no_serious_violations(page, where="checkout, paying with a saved card")

    new.check()
    assert page.locator("#card-number").is_visible()
    assert page.locator("input[name=save_card]").is_visible()
    # A half-typed new card, then the saved card chosen again: the half card is dropped,
    # not sent to the gateway (its refusal would show beside hidden inputs and block paying).
    page.fill("#card-number", "4242 42")

    saved.check()
    assert page.locator("#card-number").is_hidden()
    page.check("input[name=fulfilment][value=pickup]")
    page.get_by_role("button", name="Pay and place the order").click()
    page.wait_for_url("**/checkout/done/**")

    assert TestCharge.objects.get().card_token == card.reference
    assert Order.objects.get().account == customer.user


def test_a_saved_card_refused_by_the_bank_says_so_where_the_shopper_sees_it(phone, bakery):
    customer = ShopperFactory(email="lea@example.com")
    save_card(customer=customer, gateway=TestGateway(), card_token=card_token("4000000000009995"))
    page = phone
    sign_in(page, customer.email)
    to_checkout(page, bakery)
    page.check("input[name=fulfilment][value=pickup]")

    with page.expect_navigation():
        page.get_by_role("button", name="Pay and place the order").click()

    assert page.get_by_role("radio", name=re.compile(r"9995")).is_checked()
    assert page.locator("#card-number").is_hidden()
    assert page.locator(".payment .field-error:visible").count() == 1
    assert Order.objects.count() == 0


def test_the_account_password_shows_once_the_guest_asks_for_an_account(phone, bakery):
    page = phone
    to_checkout(page, bakery)
    password = page.locator("input[name=password]")

    assert password.is_hidden()
    page.check("input[name=create_account]")
    assert password.is_visible()
    page.uncheck("input[name=create_account]")
    assert password.is_hidden()
