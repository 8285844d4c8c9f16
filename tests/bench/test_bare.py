"""The bare views' replay (bench/bare.py): the statements of a real placement, recorded
once, run again as a new order each time, with fresh unique values and the ids of the
rows the replay itself inserted; and the steps of a checkout, each continuing the unit
the earlier ones began."""

from __future__ import annotations

import json
import pickle
import uuid
from pathlib import Path

import pytest
from django.db import connection

from bench.bare import (
    CAPTURE_DIR_ENV,
    Carry,
    Statement,
    _Recorder,
    load_script,
    replay,
    step_file,
)
from comptoir.checkout.models import Cart
from comptoir.checkout.services import add_to_cart, start_cart
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


def test_a_unit_of_the_bare_checkout_continues_from_step_to_step(tmp_path):
    """The second add of a replayed checkout adds to the cart its own first add made,
    not to the captured one: what a step made is carried, through its JSON form, to the
    next step."""
    product = stocked(stock=None)
    location = product.availabilities.first().location
    other = stocked(location, stock=None, price=410)
    get_shop()
    steps = {}
    for step, action in (
        ("add-1", lambda: start_cart(location=location, product=product)),
        ("add-2", lambda: add_to_cart(cart=Cart.objects.latest("id"), product=other)),
    ):
        recorded: list[Statement] = []
        with connection.execute_wrapper(_Recorder(recorded)):
            action()
        steps[step] = tmp_path / f"{step}.pickle"
        steps[step].write_bytes(pickle.dumps(recorded))
    captured = Cart.objects.latest("id")

    carry = Carry()
    for step in ("add-1", "add-2"):
        replay(load_script(steps[step]), carry)
        carry = Carry.from_json(json.loads(json.dumps(carry.to_json())))

    made = Cart.objects.latest("id")
    assert made.id != captured.id
    assert ("checkout_cart", captured.id) in carry.ids
    assert sorted(made.lines.values_list("product_id", "quantity")) == sorted(
        [(product.id, 1), (other.id, 1)]
    )
    assert sorted(captured.lines.values_list("product_id", "quantity")) == sorted(
        [(product.id, 1), (other.id, 1)]
    )


def test_unique_values_and_uuids_survive_the_carrys_json_form():
    key = uuid.uuid4()
    carry = Carry({key: uuid.uuid4(), "ord-1": "ord-2"}, {("orders_order", 7): 9})

    back = Carry.from_json(json.loads(json.dumps(carry.to_json())))

    assert back == carry
    assert isinstance(next(iter(back.fresh)), uuid.UUID)


def test_a_step_is_captured_only_under_a_step_name_and_a_configured_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(CAPTURE_DIR_ENV, raising=False)
    assert step_file("place") is None
    monkeypatch.setenv(CAPTURE_DIR_ENV, str(tmp_path))
    assert step_file("add-1") == tmp_path / "add-1.pickle"
    assert step_file("../etc") is None
    assert step_file("1") is None
    assert step_file("") is None
