"""The demo's counter orders: paid in person (handed over, phone pickup with a note) and
one card link per location; a second run creates nothing."""

from __future__ import annotations

import pytest

from comptoir.customers.models import Customer
from comptoir.demo.counter import PHONE_NOTE, seed_demo_counter
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Order, OrderSource, PaymentLink
from tests.factories import LocationFactory
from tests.orders.factories import stocked

pytestmark = pytest.mark.django_db


def test_the_demo_counter_orders_are_made_once(owner):
    locations = [LocationFactory(), LocationFactory()]
    for location in locations:
        for _ in range(3):
            stocked(location, stock=None)
    created: dict[str, int] = {}
    lines: list[str] = []

    seed_demo_counter(owner=owner, created=created, report=lines.append)
    again: dict[str, int] = {}
    seed_demo_counter(owner=owner, created=again, report=lines.append)

    assert lines == []
    assert created == {"orders": 4, "payment links": 2}
    assert again == {"orders": 0, "payment links": 0}
    assert set(Order.objects.values_list("source", flat=True)) == {OrderSource.COUNTER}
    assert Order.objects.filter(note=PHONE_NOTE).count() == 2
    assert Customer.objects.filter(last_name="Dupuis").count() == 1
    assert PaymentLink.objects.filter(customer__email="zoe.lambert@example.com").count() == 2
    assert OutgoingEmail.objects.filter(kind="counter_payment_link").count() == 2
