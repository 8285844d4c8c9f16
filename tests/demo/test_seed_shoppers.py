"""The demo's shoppers: camille@example.com / demo1234 with an account, a dozen past
orders (pickup and delivery, some current), a saved test card and two addresses; a few
guest orders by other emails. All placed through the real checkout and test gateway."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.accounts.models import SavedAddress, SavedCard
from comptoir.accounts.selectors import account_orders, current_account_orders, customer_of
from comptoir.customers.models import Customer
from comptoir.demo import content
from comptoir.demo.seed import seed_demo
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import FulfilmentState, FulfilmentType, Order, OrderState
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.models import TestCharge
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User

pytestmark = pytest.mark.django_db

CAMILLE = content.SHOPPER["email"]


def seed() -> dict[str, int]:
    return seed_demo(report=lambda line: None, progress=False)


def shopper_seed_orders():
    """The orders of the shoppers' seed (Camille's and the guests'), not the open orders
    the operations seed places for the Orders page."""
    emails = {CAMILLE} | {contact["email"] for contact, *_rest in content.GUEST_ORDERS}
    return Order.objects.filter(email__in=emails)


@pytest.fixture
def camille() -> Customer:
    seed()
    customer = customer_of(User.objects.get(email=CAMILLE))
    assert customer is not None
    return customer


def test_camille_signs_in_on_the_storefront_with_the_published_password(camille):
    client = Client()
    response = client.post("/account/login/", {"email": CAMILLE, "password": content.DEMO_PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == camille.user.pk


def test_camille_has_a_dozen_orders_in_her_account_pickup_and_delivery_some_current(camille):
    orders = list(account_orders(camille).filter(fulfilment__isnull=False))

    assert len(orders) == 12
    types = {order.fulfilment.type for order in orders}
    assert types == {FulfilmentType.PICKUP, FulfilmentType.DELIVERY}
    assert any(order.fulfilment.curbside for order in orders)
    current = list(current_account_orders(camille))
    assert {o.fulfilment.state for o in current} == {
        FulfilmentState.PROPOSED,
        FulfilmentState.RESERVED,
        FulfilmentState.PREPARED,
    }
    done = [o for o in orders if o.state == OrderState.COMPLETED]
    assert len(done) == 9
    assert {o.fulfilment.state for o in done} == {
        FulfilmentState.COMPLETED,
        FulfilmentState.CANCELLED,
    }


def test_demo_orders_were_placed_at_varied_past_times_with_a_coherent_history(camille):
    now = timezone.now()
    orders = list(account_orders(camille).filter(fulfilment__isnull=False))
    placed = [order.placed_at for order in orders]

    assert all(when <= now for when in placed)
    assert len({when.date() for when in placed}) >= 9
    assert min(placed) < now - timedelta(days=90)
    assert camille.user.date_joined < min(placed)
    for order in orders:
        fulfilment = order.fulfilment
        stamps = [
            fulfilment.placed_at,
            fulfilment.accepted_at,
            fulfilment.ready_at,
            fulfilment.completed_at or fulfilment.cancelled_at,
        ]
        reached = [stamp for stamp in stamps if stamp is not None]
        assert fulfilment.placed_at == order.placed_at
        assert reached == sorted(reached), order.number
        assert all(stamp <= now for stamp in reached), order.number
        if fulfilment.state == FulfilmentState.COMPLETED:
            assert fulfilment.accepted_at and fulfilment.ready_at and fulfilment.completed_at


def test_camille_made_a_donation_that_shows_in_her_account_like_an_order(camille):
    donation = account_orders(camille).get(fulfilment__isnull=True)

    assert donation.state == OrderState.COMPLETED
    assert donation.total == content.SHOPPER_DONATION[2]
    assert donation.placed_at < timezone.now() - timedelta(days=30)
    assert get_shop().donations_enabled


def test_demo_order_numbers_follow_the_dates_they_were_placed(camille):
    by_date = list(shopper_seed_orders().order_by("placed_at").values_list("number", flat=True))

    assert by_date == sorted(by_date)


def test_every_demo_order_is_paid_at_the_test_gateway_and_has_a_receipt(camille):
    orders = shopper_seed_orders().prefetch_related("payments")

    for order in orders:
        (payment,) = order.payments.all()
        assert payment.gateway == "test" and payment.card_last4 == "4242"
        assert payment.amount == order.total
        charge = TestCharge.objects.get(reference=payment.reference)
        assert charge.amount == order.total
    receipts = OutgoingEmail.objects.filter(kind="order_receipt", about_id__in=orders)
    assert receipts.count() == orders.count()


def test_the_cancelled_demo_order_is_refunded(camille):
    (cancelled,) = Order.objects.filter(fulfilment__state=FulfilmentState.CANCELLED)
    charge = TestCharge.objects.get(reference=cancelled.payments.get().reference)

    assert charge.refunded_amount == cancelled.total
    assert cancelled.fulfilment.cancel_reason


def test_delivery_orders_pay_the_fee_of_the_zone_of_their_address(camille):
    deliveries = Order.objects.filter(fulfilment__type=FulfilmentType.DELIVERY)

    assert deliveries.count() >= 4
    for order in deliveries.select_related("fulfilment"):
        zone = next(
            z
            for z in content.DELIVERY_ZONES["martyrs"]
            if order.fulfilment.postal_code in z["postal_codes"]
        )
        assert order.fees == zone["fee"]
        assert order.total == order.subtotal + zone["fee"]


def test_camille_has_a_saved_test_card_usable_at_the_test_gateway(camille):
    (card,) = SavedCard.objects.filter(customer=camille)
    assert (card.gateway, card.brand, card.last4, card.is_primary) == ("test", "visa", "4242", True)
    reference = camille.gateway_customers.get().reference

    payment = TestGateway().charge(
        amount=500,
        currency="EUR",
        card_token=card.reference,
        customer_reference=reference,
        idempotency_key="test-saved-card",
    )

    assert payment.card.last4 == "4242"


def test_camille_has_two_addresses_one_primary_in_the_delivery_zone(camille):
    addresses = list(SavedAddress.objects.filter(customer=camille))

    assert len(addresses) == 2
    assert [a.is_primary for a in addresses] == [True, False]
    served = {code for zone in content.DELIVERY_ZONES["martyrs"] for code in zone["postal_codes"]}
    assert {a.postal_code for a in addresses} <= served


def test_guest_orders_by_other_emails_belong_to_no_account(camille):
    guests = Order.objects.filter(account__isnull=True)

    assert guests.count() >= 3
    emails = set(guests.values_list("email", flat=True))
    assert CAMILLE not in emails and len(emails) >= 3
    # A repeat guest's orders share one customer record.
    lea = Customer.objects.get(email="lea.martin@example.com")
    assert lea.orders.count() == 2 and lea.user is None


def test_seeding_twice_places_no_order_and_saves_no_card_again(camille):
    before = {
        "orders": Order.objects.count(),
        "customers": Customer.objects.count(),
        "charges": TestCharge.objects.count(),
        "cards": SavedCard.objects.count(),
        "addresses": SavedAddress.objects.count(),
        "emails": OutgoingEmail.objects.count(),
        "logins": User.objects.count(),
    }

    created = seed()

    assert set(created.values()) == {0}
    assert before == {
        "orders": Order.objects.count(),
        "customers": Customer.objects.count(),
        "charges": TestCharge.objects.count(),
        "cards": SavedCard.objects.count(),
        "addresses": SavedAddress.objects.count(),
        "emails": OutgoingEmail.objects.count(),
        "logins": User.objects.count(),
    }


def test_with_accounts_off_camille_waits_and_gets_her_orders_once_they_are_on():
    shop = get_shop()
    shop.customer_accounts_enabled = False
    shop.save(update_fields=["customer_accounts_enabled"])
    lines: list[str] = []

    seed_demo(report=lines.append, progress=False)

    assert not User.objects.filter(email=CAMILLE).exists()
    assert not Order.objects.filter(email=CAMILLE).exists()
    assert shopper_seed_orders().filter(account__isnull=True).count() == len(content.GUEST_ORDERS)
    assert any("accounts are turned off" in line for line in lines)

    shop.customer_accounts_enabled = True
    shop.save(update_fields=["customer_accounts_enabled"])
    created = seed_demo(report=lines.append, progress=False)

    assert created["shopper accounts"] == 1 and created["orders"] == 13  # with the donation
    camille = customer_of(User.objects.get(email=CAMILLE))
    assert account_orders(camille).count() == 13
