"""A shopper only ever reaches their own orders, cards and addresses: customer B gets
404 on customer A's URLs and A's things stay as they were. Anonymous visitors are sent
to sign in; with accounts off every account page says accounts are not available, and
turning them back on shows the same data again."""

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.accounts.models import ContactEmail, ContactPhone, SavedAddress, SavedCard
from comptoir.accounts.services.cards import save_card
from comptoir.checkout.models import CartLine
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCardToken
from comptoir.shop.selectors import get_shop
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked


@pytest.fixture
def alice(make_shopper):
    shopper = make_shopper(email="alice@example.com")
    location = LocationFactory()
    shopper.order = checkout(
        location,
        [(stocked(location), 1)],
        email=shopper.email,
        fulfilment=PICKUP,
        account_user=shopper.user,
    )
    shopper.card = save_card(
        customer=shopper,
        gateway=TestGateway(),
        card_token=tokenize_test_card("4242424242424242", 12, 2030, "123"),
    )
    shopper.address = SavedAddress.objects.create(
        customer=shopper,
        address_line1="1 rue A",
        postal_code="75001",
        city="Paris",
        is_primary=True,
    )
    shopper.phone = ContactPhone.objects.create(
        customer=shopper, number="+33612345678", is_primary=True
    )
    shopper.email_contact = ContactEmail.objects.create(
        customer=shopper, email="alice.work@example.com", is_primary=True
    )
    return shopper


def state_of(alice):
    return (
        list(SavedCard.objects.filter(customer=alice).values()),
        list(SavedAddress.objects.filter(customer=alice).values()),
        list(ContactPhone.objects.filter(customer=alice).values()),
        list(ContactEmail.objects.filter(customer=alice).values()),
        TestCardToken.objects.filter(token=alice.card.reference).count(),
    )


def urls_of(alice):
    number = alice.order.number
    return [
        ("get", reverse("storefront:account_order", args=[number]), {}),
        ("post", reverse("storefront:account_reorder", args=[number]), {}),
        ("post", reverse("storefront:account_card_primary", args=[alice.card.pk]), {}),
        ("post", reverse("storefront:account_card_delete", args=[alice.card.pk]), {}),
        ("get", reverse("storefront:account_address_edit", args=[alice.address.pk]), {}),
        (
            "post",
            reverse("storefront:account_address_edit", args=[alice.address.pk]),
            {"address_line1": "Taken", "postal_code": "1000", "city": "Bruxelles"},
        ),
        ("post", reverse("storefront:account_address_primary", args=[alice.address.pk]), {}),
        ("post", reverse("storefront:account_address_delete", args=[alice.address.pk]), {}),
        (
            "post",
            reverse("storefront:account_phone_update", args=[alice.phone.pk]),
            {"number": "+33698765432"},
        ),
        ("post", reverse("storefront:account_phone_primary", args=[alice.phone.pk]), {}),
        ("post", reverse("storefront:account_phone_delete", args=[alice.phone.pk]), {}),
        (
            "post",
            reverse("storefront:account_email_update", args=[alice.email_contact.pk]),
            {"email": "taken@example.com"},
        ),
        ("post", reverse("storefront:account_email_primary", args=[alice.email_contact.pk]), {}),
        ("post", reverse("storefront:account_email_delete", args=[alice.email_contact.pk]), {}),
    ]


def test_another_customer_gets_404_on_every_url_of_alices_things_and_nothing_changes(
    alice, make_shopper, shopper_client
):
    bob = shopper_client(make_shopper(email="bob@example.com"))
    before = state_of(alice)

    for method, url, data in urls_of(alice):
        response = getattr(bob, method)(url, data)
        assert response.status_code == 404, url

    assert state_of(alice) == before
    assert not CartLine.objects.exists()  # the reorder added nothing anywhere


def test_another_customers_lists_do_not_show_alices_things(alice, make_shopper, shopper_client):
    bob = shopper_client(make_shopper(email="bob@example.com"))

    pages = "".join(
        bob.get(reverse(name)).content.decode()
        for name in (
            "storefront:account_home",
            "storefront:account_orders",
            "storefront:account_cards",
            "storefront:account_addresses",
            "storefront:account_contact",
        )
    )

    assert alice.order.number not in pages
    assert "1 rue A" not in pages and "alice.work@example.com" not in pages
    assert "+33612345678" not in pages


ACCOUNT_PAGES = [
    "storefront:account_home",
    "storefront:account_orders",
    "storefront:account_cards",
    "storefront:account_addresses",
    "storefront:account_contact",
    "storefront:account_language",
    "storefront:account_delete",
]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(name, db):
    response = Client().get(reverse(name))

    assert response.status_code == 302
    assert (
        response.url
        == f"{reverse('storefront:account_login')}?next={reverse(name).replace('/', '%2F')}"
    )


def test_alice_herself_reaches_every_page_of_hers(alice, shopper_client):
    client = shopper_client(alice)

    for name in ACCOUNT_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert (
        client.get(reverse("storefront:account_order", args=[alice.order.number])).status_code
        == 200
    )
    assert (
        client.get(reverse("storefront:account_address_edit", args=[alice.address.pk])).status_code
        == 200
    )


def set_accounts(enabled):
    shop = get_shop()
    shop.customer_accounts_enabled = enabled
    shop.save(update_fields=["customer_accounts_enabled"])


def test_accounts_off_every_account_page_is_unavailable_and_back_on_shows_the_same_data(
    alice, shopper_client
):
    client = shopper_client(alice)
    before = state_of(alice)
    set_accounts(False)

    for name in ACCOUNT_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 404, name
        assert "Accounts are not available" in response.content.decode()
    for method, url, data in urls_of(alice):
        response = getattr(client, method)(url, data)
        assert "Accounts are not available" in response.content.decode(), url

    set_accounts(True)

    assert state_of(alice) == before
    assert alice.order.number in client.get(reverse("storefront:account_orders")).content.decode()
    assert "Visa ending in 4242" in client.get(reverse("storefront:account_cards")).content.decode()
    assert "1 rue A" in client.get(reverse("storefront:account_addresses")).content.decode()
