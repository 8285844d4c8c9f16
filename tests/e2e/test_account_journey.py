"""A shopper's whole visit on a phone: signs up, orders with pickup paying by test card
(typed into the checkout's card form and tokenized by test-gateway.js, saved for next
time), finds the order in the account, reorders it, and deletes the saved card. axe-core
checks the home, sign-in, sign-up, cart, checkout, confirmation and account pages on the way: no
violation of impact serious or critical."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from comptoir.accounts.models import SavedCard
from comptoir.orders.models import FulfilmentType, Order
from comptoir.payments.models import TestCardToken
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User
from tests.e2e.axe import assert_no_serious_violations
from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "zoe.shopper@example.com"
PASSWORD = "a-long-pastry-42"


@pytest.fixture
def bakery() -> None:
    shop = get_shop()
    shop.published_language = "en"  # assertions read the English source texts
    shop.save(update_fields=["published_language"])
    location = LocationFactory(name="Boulangerie du Canal", preparation_minutes=15)
    category = CategoryFactory(name_fr="Viennoiseries", name_en="Pastries")
    croissant = ProductFactory(
        category=category, name_fr="Croissant", name_en="Croissant", slug="croissant", price=125
    )
    tart = ProductFactory(
        category=category, name_fr="Tarte au citron", name_en="Lemon tart", slug="tart", price=340
    )
    for product in (croissant, tart):
        AvailabilityFactory(product=product, location=location, stock=30)


def test_a_shopper_signs_up_orders_for_pickup_reorders_and_deletes_the_saved_card(phone, bakery):
    page = phone

    # Home, then the header's "Sign in" link to the sign-in page, then sign-up.
    page.goto("/")
    assert_no_serious_violations(page, where="home")
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/account/login/**")
    assert_no_serious_violations(page, where="sign-in")
    page.get_by_role("link", name="Create an account").first.click()
    page.wait_for_url("**/account/signup/**")
    assert_no_serious_violations(page, where="sign-up")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=first_name]", "Zoé")
    page.fill("input[name=last_name]", "Martin")
    page.check("input[name=accept_terms]")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/account/**")
    assert page.get_by_role("link", name="My account").is_visible()
    assert User.objects.filter(email=EMAIL).exists()

    # Two croissants in the cart, then the checkout.
    page.goto("/products/croissant/")
    page.fill("input[name=quantity]", "2")
    page.locator("form.add-to-cart button").click()
    page.wait_for_url("**/products/croissant/")
    page.locator("#cart-link").click()
    page.wait_for_url("**/cart/")
    assert_no_serious_violations(page, where="cart")
    page.locator("a.checkout").click()
    page.wait_for_url("**/checkout/")
    assert_no_serious_violations(page, where="checkout")

    # A form sent without a card says so beside the field, and stays accessible.
    page.check("input[name=fulfilment][value=pickup]")
    with page.expect_navigation():
        page.get_by_role("button", name="Pay and place the order").click()
    page.locator(".field-error:visible, .error:visible").first.wait_for()
    assert_no_serious_violations(page, where="checkout with errors")
    assert Order.objects.count() == 0

    # Pickup, paid with the test card typed into the card form, saved for next time.
    if not page.input_value("input[name=email]"):
        page.fill("input[name=email]", EMAIL)
    page.check("input[name=fulfilment][value=pickup]")
    page.fill("#card-number", "4242 4242 4242 4242")
    page.fill("#card-exp-month", "12")
    page.fill("#card-exp-year", str(timezone.now().year + 2))
    page.fill("#card-cvc", "123")
    page.check("input[name=save_card]")
    posted: list[str] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.post_data or "")
            if request.method == "POST" and request.url.endswith("/checkout/")
            else None
        ),
    )
    # Sent from the keyboard: Enter in the last card field pays (the script tokenizes first).
    page.locator("#card-cvc").press("Enter")
    page.wait_for_url("**/checkout/done/**")
    # The number went to the gateway's token endpoint only: the checkout got a token.
    card_number = re.compile(r"4242(\D{0,3}4242){3}")
    assert posted and not any(card_number.search(body) for body in posted)
    assert any("card_token=tok_test_" in body for body in posted)
    order = Order.objects.get()
    assert order.account.email == EMAIL
    assert order.fulfilment.type == FulfilmentType.PICKUP
    assert order.total == 250
    assert order.number in page.content()
    assert_no_serious_violations(page, where="order confirmation")

    # The account shows the order under way, and in the history with its receipt.
    page.get_by_role("link", name="My account").click()
    page.wait_for_url("**/account/")
    current = page.locator(".account-order", has_text=order.number)
    assert current.locator(".order-status").inner_text().strip() == "Received"
    assert_no_serious_violations(page, where="account home")
    page.get_by_role("link", name="Orders", exact=True).click()
    page.wait_for_url("**/account/orders/**")
    assert_no_serious_violations(page, where="order history")
    page.get_by_role("link", name=f"Order {order.number}").first.click()
    page.wait_for_url(f"**/account/orders/{order.number}/")
    assert page.locator(".receipt").inner_text().count("Croissant") == 1
    assert_no_serious_violations(page, where="order receipt")

    # Reorder: the items are back in the cart, at today's prices, ready to change.
    page.get_by_role("button", name="Order these items again").click()
    page.wait_for_url("**/cart/")
    lines = page.locator(".cart-line")
    assert lines.count() == 1
    assert page.input_value("#quantity-croissant") == "2"
    assert_no_serious_violations(page, where="cart after reorder")

    # The card saved at checkout is listed by brand and last four digits; delete it.
    page.goto("/account/cards/")
    card = SavedCard.objects.get(customer__user__email=EMAIL)
    item = page.locator(".account-item", has_text="4242")
    assert re.search(r"Visa ending in 4242", item.inner_text())
    assert_no_serious_violations(page, where="saved cards")
    item.get_by_role("button", name=re.compile("Delete")).click()
    page.wait_for_url("**/account/cards/**")
    page.get_by_text("You have no saved card.").wait_for()
    assert not SavedCard.objects.filter(pk=card.pk).exists()
    # Deleted at the gateway too.
    assert not TestCardToken.objects.filter(token=card.reference).exists()
    assert_no_serious_violations(page, where="saved cards after deleting")
