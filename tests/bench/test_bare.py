"""The bare placing view's replay (bench/bare.py): the statements of a real placement,
recorded once, run again as a new order each time, with fresh unique values and the
ids of the rows the replay itself inserted."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from django.db import connection

from bench.bare import Statement, _Recorder, load_script, replay
from comptoir.orders.models import Order, OrderLine, Payment
from comptoir.shop.selectors import get_shop
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


def captured_placement(tmp_path: Path) -> tuple[Path, Order]:
    product = stocked(stock=None)
    other = stocked(product.availabilities.first().location, stock=None, price=410)
    location = product.availabilities.first().location
    get_shop()  # exists on a served shop: its creation is not part of a placement
    recorded: list[Statement] = []
    with connection.execute_wrapper(_Recorder(recorded)):
        order = checkout(
            location, [(product, 1), (other, 2)], fulfilment=PICKUP, email="guest@example.com"
        )
    path = tmp_path / "placement.pickle"
    path.write_bytes(pickle.dumps(recorded))
    return path, order


def test_each_replay_makes_a_new_order_with_its_own_number_lines_and_payment(tmp_path):
    path, original = captured_placement(tmp_path)
    script = load_script(path)

    replay(script)
    replay(script)

    orders = list(Order.objects.order_by("id"))
    assert len(orders) == 3
    assert len({order.number for order in orders}) == 3
    assert len({order.idempotency_key for order in orders}) == 3
    newest = orders[-1]
    assert newest.customer_id not in {original.customer_id, orders[1].customer_id}
    assert newest.total == original.total
    assert OrderLine.objects.filter(order=newest).count() == 2
    assert Payment.objects.filter(order=newest, amount=original.total).count() == 1


def test_unique_values_are_the_placements_and_not_shared_ones(tmp_path):
    path, original = captured_placement(tmp_path)

    script = load_script(path)

    assert original.number in script.unique_values
    assert original.idempotency_key in script.unique_values
    assert "guest@example.com" in script.unique_values
    assert "EUR" not in script.unique_values
    assert "test" not in script.unique_values  # gateway: unique only with the reference
