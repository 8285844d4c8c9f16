"""Accounts at checkout: optional sign-in, prefilled details, saved cards, an account
created while paying."""

import pytest
from django.urls import reverse

from comptoir.accounts.models import SavedAddress, SavedCard
from comptoir.accounts.services.cards import save_card
from comptoir.orders.models import Order
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.models import TestCharge
from comptoir.users.models import User
from tests.checkout.checkout_helpers import (
    card_token,
    checkout_form,
    fill_cart,
    stocked,
)
from tests.factories import PASSWORD, ShopperFactory

# Assertions read the English source texts; ``location`` (conftest) offers every fulfilment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


def test_a_guest_sees_an_optional_sign_in_link_that_returns_to_checkout(client, location):
    fill_cart(client, location, (stocked(location), 1))

    page = client.get(reverse("storefront:checkout")).content.decode()

    assert "/account/login/?next=/checkout/" in page
    assert "password/reset" not in page and "Forgot" not in page


def test_a_guest_creates_an_account_while_paying_and_is_signed_in(client, location):
    fill_cart(client, location, (stocked(location), 1))

    client.post(
        reverse("storefront:checkout"),
        checkout_form(client, email="new@example.com", create_account="on", password=PASSWORD),
    )

    user = User.objects.get(email="new@example.com")
    assert Order.objects.get().account == user
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_refused_password_is_said_before_any_charge(client, location):
    fill_cart(client, location, (stocked(location), 1))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, email="new@example.com", create_account="on", password="123"),
    )

    assert answer.status_code == 400
    assert "This password is too short" in answer.content.decode()
    assert not TestCharge.objects.exists() and not Order.objects.exists()
    assert 'value="new@example.com"' in answer.content.decode()


def test_a_signed_in_shopper_gets_details_and_primary_address_prefilled(shopper_client, location):
    customer = ShopperFactory(email="lea@example.com", first_name="Léa")
    SavedAddress.objects.create(
        customer=customer,
        address_line1="3 rue Milton",
        postal_code="75009",
        city="Paris",
        is_primary=True,
    )
    client = shopper_client(customer)
    fill_cart(client, location, (stocked(location), 1))

    page = client.get(reverse("storefront:checkout")).content.decode()

    assert 'value="lea@example.com"' in page and 'value="3 rue Milton"' in page
    assert 'value="Léa"' in page


def test_a_signed_in_shopper_pays_with_a_saved_card(shopper_client, location):
    customer = ShopperFactory(email="lea@example.com")
    card = save_card(customer=customer, gateway=TestGateway(), card_token=card_token())
    client = shopper_client(customer)
    fill_cart(client, location, (stocked(location, price=300), 1))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, email="lea@example.com", card_token="", saved_card=card.pk),
    )

    assert answer.status_code == 302
    order = Order.objects.get()
    assert order.account == customer.user and order.total == 300
    assert TestCharge.objects.get().card_token == card.reference


def test_a_signed_in_shopper_saves_the_card_used_once(shopper_client, location):
    customer = ShopperFactory(email="lea@example.com")
    client = shopper_client(customer)
    fill_cart(client, location, (stocked(location), 1))

    client.post(
        reverse("storefront:checkout"),
        checkout_form(client, email="lea@example.com", save_card="on"),
    )

    saved = SavedCard.objects.get(customer=customer)
    assert saved.last4 == "4242"
    assert TestCharge.objects.get().card_token == saved.reference


def test_with_accounts_off_checkout_is_guest_only(client, location, english_shop):
    english_shop.customer_accounts_enabled = False
    english_shop.save(update_fields=["customer_accounts_enabled"])
    fill_cart(client, location, (stocked(location), 1))

    page = client.get(reverse("storefront:checkout")).content.decode()

    assert "/account/login/" not in page.split("<main>")[1]
    assert 'name="create_account"' not in page and 'name="password"' not in page
