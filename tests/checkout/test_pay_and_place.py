"""Paying and placing an order with the built-in test gateway, end to end through the
real gateway and the real order service."""

import pytest

from comptoir.catalog.models import Availability
from comptoir.checkout.placing import pay_and_place_order
from comptoir.errors import Conflict
from comptoir.orders.models import Order
from comptoir.orders.services import Contact
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCharge, TestRefund
from tests.factories import LocationFactory
from tests.orders.factories import stocked

pytestmark = pytest.mark.django_db

CONTACT = Contact(email="camille@example.com", first_name="Camille", last_name="Martin")


def pay(location, lines, *, card="4242424242424242", key="checkout-1"):
    return pay_and_place_order(
        gateway=TestGateway(),
        card_token=tokenize_test_card(card, 12, 2040, "123"),
        idempotency_key=key,
        location=location,
        lines=lines,
        contact=CONTACT,
        fulfilment=None,
        currency="EUR",
        language="fr",
    )


def stock_of(product, location) -> int | None:
    return Availability.objects.get(product=product, location=location).stock


def test_an_approved_card_pays_the_order_at_todays_prices():
    location = LocationFactory()
    croissant = stocked(location, price=130, stock=10)

    order = pay(location, [(croissant, 3)])

    charge = TestCharge.objects.get()
    assert (charge.amount, order.total) == (390, 390)
    assert order.payments.get().reference == charge.reference
    assert stock_of(croissant, location) == 7


def test_a_declined_card_takes_nothing_and_places_nothing():
    location = LocationFactory()
    croissant = stocked(location, price=130, stock=10)

    with pytest.raises(PaymentFailed) as refused:
        pay(location, [(croissant, 1)], card="4000000000000002")

    assert refused.value.code == "declined"
    assert not Order.objects.exists()
    assert not TestCharge.objects.exists()
    assert stock_of(croissant, location) == 10


def test_an_order_refused_after_payment_is_refunded_in_full():
    location = LocationFactory()
    last_one = stocked(location, price=480, stock=1)

    with pytest.raises(Conflict):
        pay(location, [(last_one, 2)])

    charge = TestCharge.objects.get()
    assert TestRefund.objects.get(charge=charge).amount == charge.amount == 960
    assert not Order.objects.exists()
    assert stock_of(last_one, location) == 1


def test_a_double_submitted_checkout_charges_once_and_places_one_order():
    location = LocationFactory()
    croissant = stocked(location, price=130, stock=10)

    first = pay(location, [(croissant, 2)], key="same-key")
    second = pay(location, [(croissant, 2)], key="same-key")

    assert first.pk == second.pk
    assert TestCharge.objects.count() == 1
    assert stock_of(croissant, location) == 8
