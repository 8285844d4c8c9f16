"""The express wallet (simulated by the test gateway's sheet) at checkout."""

import pytest
from django.urls import reverse

from comptoir.accounts.models import SavedCard
from comptoir.checkout.models import Cart
from comptoir.orders.models import Order
from comptoir.payments.models import TestCharge
from tests.checkout.checkout_helpers import checkout_form, fill_cart, shop_location, stocked
from tests.factories import ShopperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def location(english_shop):
    return shop_location()


def test_a_guest_pays_with_the_wallet_without_signing_in(client, location):
    fill_cart(client, location, (stocked(location, price=500), 2))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, card_token="", wallet_token="wallet_ok"),
    )

    order = Order.objects.get()
    assert answer.url == reverse("storefront:checkout_done", args=[order.number])
    assert order.account is None and order.payments.get().method == "wallet"
    assert TestCharge.objects.get().method == "wallet"


def test_a_declined_wallet_keeps_the_cart_and_says_why(client, location):
    fill_cart(client, location, (stocked(location), 1))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, card_token="", wallet_token="wallet_declined"),
    )

    assert answer.status_code == 402
    assert "Your bank declined" in answer.content.decode()
    assert Cart.objects.exists() and not Order.objects.exists()


def test_a_signed_in_shopper_uses_the_wallet_and_the_order_is_theirs(shopper_client, location):
    client = shopper_client(ShopperFactory(email="lea@example.com"))
    fill_cart(client, location, (stocked(location), 1))

    client.post(
        reverse("storefront:checkout"),
        checkout_form(client, card_token="", wallet_token="wallet_ok", save_card="on"),
    )

    order = Order.objects.get()
    assert order.account == client.customer.user
    assert not SavedCard.objects.exists()  # wallets are never saved


def test_the_wallet_sheet_is_offered_with_the_test_gateway(client, location):
    fill_cart(client, location, (stocked(location), 1))

    page = client.get(reverse("storefront:checkout")).content.decode()

    assert "data-wallet-sheet" in page
    assert 'value="wallet_ok"' in page and 'value="wallet_declined"' in page
