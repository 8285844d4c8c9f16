"""A checkout submitted twice at the same moment makes one order (PostgreSQL, threads)."""

import pytest

from comptoir.catalog.models import Availability
from comptoir.customers.models import Customer
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Order, Payment
from comptoir.shop.selectors import get_shop
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, paid, stocked

SUBMITS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_makes_one_order():
    skip_unless_postgres()
    get_shop()
    location = LocationFactory()
    product = stocked(location, price=200, stock=10)
    payment = paid(400)  # one charge, the same request posted several times

    outcomes = run_at_once(
        SUBMITS,
        lambda n: (
            checkout(
                location, [(product, 2)], key="same-checkout", payment=payment, fulfilment=PICKUP
            ).pk
        ),
    )

    order = Order.objects.get()
    assert outcomes == [order.pk] * SUBMITS
    assert Availability.objects.get(product=product).stock == 8
    assert Payment.objects.count() == 1
    assert Customer.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_for_the_last_items_never_oversell():
    skip_unless_postgres()
    get_shop()
    location = LocationFactory()
    first = stocked(location, price=100, stock=2)
    second = stocked(location, price=100, stock=2)

    # Lines given in opposite orders: stock is still locked in product id order.
    def order(n: int) -> str:
        lines = [(first, 1), (second, 1)] if n % 2 else [(second, 1), (first, 1)]
        checkout(location, lines, email=f"buyer{n}@example.com")
        return "placed"

    outcomes = run_at_once(SUBMITS, order)

    assert outcomes.count("placed") == 2
    assert all(o == "placed" or o.startswith("Conflict(") for o in outcomes), outcomes
    assert Order.objects.count() == 2
    assert set(Availability.objects.values_list("stock", flat=True)) == {0}
