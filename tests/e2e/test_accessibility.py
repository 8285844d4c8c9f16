"""Shoppers with screen readers and keyboards must be able to buy: axe-core finds no
serious or critical violation on the shop's pages, on a phone and on a desktop screen.
(The journey in test_account_journey.py checks pages along a shopper's first visit too.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from comptoir.accounts.models import SavedAddress
from comptoir.demo import content
from comptoir.demo.seed import seed_demo
from comptoir.orders.models import Order
from comptoir.shop.selectors import get_shop
from comptoir.shop.services import update_shop_settings
from comptoir.team.models import Access
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.conftest import PHONE
from tests.factories import (
    AvailabilityFactory,
    CategoryFactory,
    LocationFactory,
    ProductFactory,
    TeamMemberFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def screen(browser, live_server, request) -> Iterator:
    context = browser.new_context(viewport=request.param, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(params=["default theme", "demo theme"])
def shop_with_products(request) -> None:
    if request.param == "demo theme":  # the demo's colours, font and pill buttons
        owner = TeamMemberFactory(access=Access.OWNER)
        update_shop_settings(actor=owner, **content.SHOP)
    shop = get_shop()
    shop.published_language = "en"  # the steps find buttons by their English names
    shop.save(update_fields=["published_language"])
    location = LocationFactory(name="Boulangerie du Canal")
    category = CategoryFactory(name_fr="Viennoiseries", name_en="Pastries")
    croissant = ProductFactory(
        category=category, name_fr="Croissant", name_en="Croissant", slug="croissant", price=125
    )
    tart = ProductFactory(
        category=category, name_fr="Tarte au citron", name_en="Lemon tart", slug="tart", price=340
    )
    # A second location, so the pages show the location picker too.
    for shop in (location, LocationFactory(name="Batignolles")):
        AvailabilityFactory(product=croissant, location=shop, stock=20)
        AvailabilityFactory(product=tart, location=shop, stock=1)


def test_home_product_and_cart_pages_have_no_serious_accessibility_violations(
    screen, shop_with_products
):
    screen.goto("/")
    assert_no_serious_violations(screen, where="home")

    screen.goto("/products/tart/")
    assert_no_serious_violations(screen, where="product page")
    screen.locator("form.add-to-cart button").click()
    screen.wait_for_url("**/products/tart/")
    assert_no_serious_violations(screen, where="product page after adding to the cart")

    screen.goto("/products/croissant/")
    screen.fill("input[name=quantity]", "2")
    screen.locator("form.add-to-cart button").click()
    screen.wait_for_url("**/products/croissant/")

    screen.goto("/cart/")
    assert screen.locator(".cart-line").count() == 2
    assert_no_serious_violations(screen, where="cart")

    # An error shown in place (more than the stock) must be announced and readable too.
    screen.fill("#quantity-tart", "5")
    screen.locator("#line-tart .quantity-form button").click()
    screen.locator(".cart .notice, .cart .error, [role=alert]").first.wait_for()
    assert_no_serious_violations(screen, where="cart with an error")


def test_guest_checkout_has_no_serious_accessibility_violations(screen, shop_with_products):
    screen.goto("/products/croissant/")
    screen.locator("form.add-to-cart button").click()
    screen.wait_for_url("**/products/croissant/")
    screen.goto("/checkout/")
    assert_no_serious_violations(screen, where="guest checkout")

    # Sent without a card: the server's message is shown and announced.
    screen.fill("input[name=email]", "guest@example.com")
    screen.check("input[name=fulfilment][value=pickup]")
    with screen.expect_navigation():
        screen.get_by_role("button", name="Pay and place the order").click()
    screen.locator(".field-error:visible, .error:visible").first.wait_for()
    assert_no_serious_violations(screen, where="guest checkout with errors")

    # A declined card says why.
    screen.fill("#card-number", "4000 0000 0000 0002")
    screen.fill("#card-exp-month", "12")
    screen.fill("#card-exp-year", "2040")
    screen.fill("#card-cvc", "123")
    with screen.expect_navigation():
        screen.get_by_role("button", name="Pay and place the order").click()
    screen.get_by_text("Your bank declined this card.").wait_for()
    assert screen.locator(".cart-line").count() == 1  # the cart is intact

    # Another card pays: the confirmation, then the guest's order status page.
    screen.fill("#card-number", "4242 4242 4242 4242")
    screen.fill("#card-exp-month", "12")
    screen.fill("#card-exp-year", "2040")
    screen.fill("#card-cvc", "123")
    screen.get_by_role("button", name="Pay and place the order").click()
    screen.wait_for_url("**/checkout/done/**")
    assert_no_serious_violations(screen, where="guest order confirmation")
    screen.get_by_role("link", name="Follow your order").click()
    screen.wait_for_url("**/orders/**/status/**")
    assert_no_serious_violations(screen, where="guest order status page")


def test_accounts_unavailable_page_has_no_serious_accessibility_violations(
    screen, shop_with_products
):
    shop = get_shop()
    shop.customer_accounts_enabled = False
    shop.save(update_fields=["customer_accounts_enabled"])

    screen.goto("/account/login/")
    screen.get_by_role("heading", name="Accounts are not available").wait_for()
    assert_no_serious_violations(screen, where="accounts not available")
    assert_no_serious_violations(screen, where="guest checkout with a declined card")


def test_empty_cart_has_no_serious_accessibility_violations(screen, shop_with_products):
    screen.goto("/cart/")
    assert_no_serious_violations(screen, where="empty cart")


ACCOUNT_PAGES = [
    "/account/",
    "/account/orders/",
    "/account/cards/",
    "/account/addresses/",
    "/account/contact/",
    "/account/language/",
    "/account/delete/",
]


def test_the_demo_shoppers_account_and_checkout_have_no_serious_accessibility_violations(
    screen,
):
    """The seeded demo (its theme, Camille's orders, card and addresses) fills every
    account page with real content: lists, badges, receipts, saved-card choices."""
    seed_demo(report=lambda line: None, progress=False)
    screen.goto("/account/signup/")
    assert_no_serious_violations(screen, where="sign-up")
    screen.goto("/account/password/forgot/")
    assert_no_serious_violations(screen, where="forgot password")
    screen.goto("/account/login/")
    assert_no_serious_violations(screen, where="sign-in")
    screen.fill("input[name=email]", content.SHOPPER["email"])
    screen.fill("input[name=password]", content.DEMO_PASSWORD)
    screen.locator("form[action$='/account/login/'] button[type=submit]").click()
    screen.wait_for_url("**/account/")

    for path in ACCOUNT_PAGES:
        response = screen.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_serious_violations(screen, where=path)
    order = Order.objects.filter(account__email=content.SHOPPER["email"]).first()
    screen.goto(f"/account/orders/{order.number}/")
    assert_no_serious_violations(screen, where="an order's receipt")
    address = SavedAddress.objects.filter(customer__email=content.SHOPPER["email"]).first()
    screen.goto(f"/account/addresses/{address.pk}/")
    assert_no_serious_violations(screen, where="editing an address")

    screen.goto("/products/croissant/?location=martyrs")
    screen.locator("form.add-to-cart button").click()
    screen.wait_for_url("**/products/croissant/**")
    screen.goto("/checkout/")
    assert_no_serious_violations(screen, where="checkout with a saved card")
    screen.goto("/donate/")
    assert_no_serious_violations(screen, where="donation page, signed in")
