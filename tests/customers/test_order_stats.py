"""The order columns stored on a customer record (count, total spent without cancelled
orders, last order and its location) follow the orders: placing counts at once, a
recount from the orders agrees with them, and the directory sorts and filters by them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from comptoir.customers.models import Customer, CustomerSpending
from comptoir.customers.services.order_stats import recount_orders
from comptoir.orders.models import Order, OrderState
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def stats(customer: Customer) -> tuple:
    spending = CustomerSpending.objects.get(customer=customer)
    return (
        spending.order_count,
        spending.total_spent,
        spending.last_order_at,
        spending.last_location_id,
    )


def test_placing_orders_counts_them_on_the_record_at_once():
    first, second = LocationFactory(), LocationFactory()
    croissant = stocked(first, price=450, stock=None)
    bread = stocked(second, price=300, stock=None)
    with time_machine.travel(NOW, tick=False):
        checkout(first, [(croissant, 2)], fulfilment=PICKUP, email="lea@example.com")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        order = checkout(second, [(bread, 1)], fulfilment=PICKUP, email="LEA@example.com")

    customer = order.customer
    assert stats(customer) == (2, 900 + 300, order.placed_at, second.pk)


def test_a_recount_from_the_orders_gives_what_placing_counted_and_drops_cancelled_ones():
    location = LocationFactory()
    croissant = stocked(location, price=450, stock=None)
    with time_machine.travel(NOW, tick=False):
        kept = checkout(location, [(croissant, 1)], fulfilment=PICKUP, email="lea@example.com")
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        cancelled = checkout(location, [(croissant, 3)], fulfilment=PICKUP, email="lea@example.com")
    customer = kept.customer
    counted = stats(customer)
    CustomerSpending.objects.filter(customer=customer).update(order_count=0, total_spent=0)

    recount_orders([customer.pk])

    assert stats(customer) == counted
    Order.objects.filter(pk=cancelled.pk).update(state=OrderState.CANCELLED)
    recount_orders([customer.pk])
    assert stats(customer) == (2, 450, cancelled.placed_at, location.pk)


def test_a_record_without_orders_has_none_counted():
    customer = CustomerFactory()
    recount_orders()
    assert stats(customer) == (0, 0, None, None)


def test_the_directory_sorts_by_the_stored_total_and_filters_by_the_stored_location(
    staff_client,
):
    here, there = LocationFactory(), LocationFactory()
    croissant = stocked(here, price=450, stock=None)
    bread = stocked(there, price=300, stock=None)
    big = checkout(here, [(croissant, 5)], fulfilment=PICKUP, email="big@example.com").customer
    small = checkout(there, [(bread, 1)], fulfilment=PICKUP, email="small@example.com").customer
    CustomerFactory(email="none@example.com")
    client = staff_client(Permission.VIEW_CUSTOMERS)

    page = client.get("/dashboard/customers/?sort=-total_spent").content.decode()
    assert page.index("big@example.com") < page.index("small@example.com")
    assert page.index("small@example.com") < page.index("none@example.com")
    filtered = client.get(f"/dashboard/customers/?location={there.pk}").content.decode()
    assert "small@example.com" in filtered
    assert "big@example.com" not in filtered
    assert big.pk != small.pk
