"""Deleting an account: password again; the login, cards (at the gateway too),
addresses and contact details go; orders stay with the merchant, detached."""

from django.urls import reverse

from comptoir.accounts.models import (
    ContactEmail,
    ContactPhone,
    GatewayCustomer,
    SavedAddress,
    SavedCard,
)
from comptoir.accounts.services.cards import save_card
from comptoir.customers.models import Customer
from comptoir.orders.models import Order
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCardToken
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User
from tests.factories import PASSWORD, LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked
from tests.payments.stripe_standin import StripeStandIn


def shopper_with_everything(make_shopper, shopper_client):
    shopper = make_shopper()
    location = LocationFactory()
    order = checkout(
        location,
        [(stocked(location), 1)],
        email=shopper.email,
        fulfilment=PICKUP,
        account_user=shopper.user,
    )
    card = save_card(
        customer=shopper,
        gateway=TestGateway(),
        card_token=tokenize_test_card("4242424242424242", 12, 2030, "123"),
    )
    client = shopper_client(shopper)
    client.post(
        reverse("storefront:account_addresses"),
        {"address_line1": "1 rue Haute", "postal_code": "75001", "city": "Paris"},
    )
    client.post(reverse("storefront:account_phone_add"), {"number": "+33612345678"})
    client.post(reverse("storefront:account_email_add"), {"email": "other@example.com"})
    return shopper, client, order, card


def test_wrong_password_says_so_and_changes_nothing(make_shopper, shopper_client):
    shopper, client, _order, card = shopper_with_everything(make_shopper, shopper_client)

    response = client.post(reverse("storefront:account_delete"), {"password": "wrong"})

    assert response.status_code == 400
    assert "This password is not right." in response.content.decode()
    assert User.objects.filter(pk=shopper.user_id).exists()
    assert SavedCard.objects.filter(pk=card.pk).exists()
    assert SavedAddress.objects.filter(customer=shopper).exists()
    assert client.get(reverse("storefront:account_home")).status_code == 200


def test_deleting_removes_login_cards_addresses_contacts_and_keeps_orders_detached(
    make_shopper, shopper_client
):
    shopper, client, order, card = shopper_with_everything(make_shopper, shopper_client)
    user_id = shopper.user_id

    response = client.post(reverse("storefront:account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user_id).exists()
    for model in (SavedCard, GatewayCustomer, SavedAddress, ContactPhone, ContactEmail):
        assert not model.objects.filter(customer=shopper).exists(), model
    assert not TestCardToken.objects.filter(token=card.reference).exists()  # at the gateway
    order = Order.objects.get(pk=order.pk)
    assert order.account_id is None and order.customer_id == shopper.pk
    shopper = Customer.objects.get(pk=shopper.pk)
    assert shopper.user_id is None and shopper.account_deleted_at is not None


def test_deleting_signs_out(make_shopper, shopper_client):
    _shopper, client, _order, _card = shopper_with_everything(make_shopper, shopper_client)

    client.post(reverse("storefront:account_delete"), {"password": PASSWORD})
    response = client.get(reverse("storefront:account_home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("storefront:account_login"))


def test_when_the_payment_provider_cannot_be_reached_nothing_is_deleted(
    make_shopper, shopper_client, settings
):
    standin = StripeStandIn(secret_key="sk_test_standin_deletion").start()
    settings.STRIPE_SECRET_KEY = "sk_test_standin_deletion"
    settings.STRIPE_API_BASE = standin.url
    shop = get_shop()
    shop.payment_gateway = "stripe"
    shop.save(update_fields=["payment_gateway"])
    shopper = make_shopper()
    client = shopper_client(shopper)
    client.post(reverse("storefront:account_cards"), {"card_token": "pm_card_visa"})
    card = SavedCard.objects.get(customer=shopper)
    standin.stop()  # Stripe is down

    response = client.post(reverse("storefront:account_delete"), {"password": PASSWORD})

    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=shopper.user_id).exists()
    assert SavedCard.objects.filter(pk=card.pk).exists()
