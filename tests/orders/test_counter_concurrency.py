"""Counter orders and card links submitted several times at the same moment
(PostgreSQL, threads): one order, one customer record, and only one charge kept."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comptoir.catalog.models import Availability
from comptoir.customers.models import Customer
from comptoir.orders.counter import (
    NewCustomer,
    PaymentChoice,
    pay_payment_link,
    place_counter_order,
)
from comptoir.orders.models import Order, Payment, PaymentLink
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCharge
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import CustomerFactory, LocationFactory, TeamMemberFactory
from tests.orders.factories import stocked

SUBMITS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_counter_order_clicked_several_times_at_once_is_placed_once():
    skip_unless_postgres()
    get_shop()
    location = LocationFactory()
    product = stocked(location, price=300, stock=10)
    member = TeamMemberFactory(access=Access.FULL)
    customers_before = Customer.objects.count()

    outcomes = run_at_once(
        SUBMITS,
        lambda n: (
            place_counter_order(
                actor=member,
                idempotency_key="same-click",
                location=location,
                lines=[(product, 2)],
                new_customer=NewCustomer(first_name="Léa", phone="+33612345678"),
                fulfilment=None,
                payment=PaymentChoice.IN_PERSON,
            ).pk
        ),
    )

    order = Order.objects.get()
    assert outcomes == [order.pk] * SUBMITS
    assert Customer.objects.count() == customers_before + 1
    assert Payment.objects.count() == 1
    assert Availability.objects.get(product=product).stock == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_card_link_paid_from_several_tabs_at_once_keeps_one_charge():
    skip_unless_postgres()
    get_shop()
    location = LocationFactory()
    product = stocked(location, price=300, stock=10)
    member = TeamMemberFactory(access=Access.FULL)
    link = place_counter_order(
        actor=member,
        idempotency_key="link",
        location=location,
        lines=[(product, 1)],
        customer=CustomerFactory(),
        fulfilment=None,
        payment=PaymentChoice.CARD_LINK,
    )
    assert isinstance(link, PaymentLink)
    year = timezone.now().year + 3
    cards = [tokenize_test_card("4242424242424242", 12, year, "123") for _ in range(SUBMITS)]

    outcomes = run_at_once(
        SUBMITS,
        lambda n: (
            pay_payment_link(
                token=link.token, gateway=TestGateway(), card_token=cards[n], attempt=f"tab-{n}"
            ).pk
        ),
    )

    order = Order.objects.get()
    assert outcomes == [order.pk] * SUBMITS
    kept = [c for c in TestCharge.objects.all() if c.refunded_amount == 0]
    assert len(kept) == 1
    assert order.payments.get().reference == kept[0].reference
    assert all(c.refunded_amount == c.amount for c in TestCharge.objects.exclude(pk=kept[0].pk))
    assert Availability.objects.get(product=product).stock == 9
