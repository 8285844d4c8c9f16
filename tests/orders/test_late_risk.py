"""The late-risk flag (red: likely late, green: on time, none) and the orders still
waiting to be accepted."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from comptoir.orders.fulfilment import accept_order
from comptoir.orders.late_risk import (
    ACCEPTANCE_REMINDER_AFTER,
    FulfilmentValues,
    late_risk,
    orders_awaiting_acceptance,
)
from comptoir.orders.models import Fulfilment, FulfilmentState, FulfilmentType
from comptoir.orders.services import FulfilmentChoice
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import checkout, stocked

PARIS = ZoneInfo("Europe/Paris")
S = FulfilmentState


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, 10, hour, minute, second, tzinfo=PARIS)


def pickup(preparation: int, **kwargs) -> FulfilmentValues:
    values = {
        "type": FulfilmentType.PICKUP,
        "state": S.PROPOSED,
        "placed_at": at(10, 0),
        "preparation_minutes": preparation,
        "pickup_at": at(10, 30),
        **kwargs,
    }
    return FulfilmentValues(**values)


# --- the example -----------------------------------------------------------


def test_placed_at_10_for_10_30_with_35_minutes_is_red_from_the_moment_it_arrives():
    risk = late_risk(pickup(35), at(10, 0), time_zone=PARIS)

    assert risk.is_late is True
    assert risk.expected_ready_at == at(10, 35)
    assert risk.promised_at == at(10, 30)
    assert risk.reason == "ready at 10:35 at the earliest, promised 10:30"


def test_the_same_order_with_25_minutes_is_green_until_10_05_passes_without_acceptance():
    order = pickup(25)

    assert late_risk(order, at(10, 0), time_zone=PARIS).is_late is False
    assert late_risk(order, at(10, 0), time_zone=PARIS).reason == (
        "ready at 10:25 at the earliest, promised 10:30"
    )
    assert late_risk(order, at(10, 5), time_zone=PARIS).is_late is False
    assert late_risk(order, at(10, 5, 1), time_zone=PARIS).is_late is True
    assert late_risk(order, at(10, 6), time_zone=PARIS).reason == (
        "ready at 10:31 at the earliest, promised 10:30"
    )


def test_accepted_in_time_it_stays_green_as_the_clock_moves():
    accepted = pickup(25, state=S.RESERVED, accepted_at=at(10, 4))

    risk = late_risk(accepted, at(10, 20), time_zone=PARIS)

    assert risk.is_late is False
    assert risk.expected_ready_at == at(10, 29)
    assert risk.reason == "expected ready at 10:29, promised 10:30"


def test_accepted_too_late_it_is_red():
    assert late_risk(pickup(25, state=S.RESERVED, accepted_at=at(10, 7)), at(10, 8)).is_late


@pytest.mark.django_db
def test_a_real_order_turns_red_when_10_05_passes_without_acceptance(make_member):
    location = LocationFactory(preparation_minutes=25, time_zone="Europe/Paris")
    product = stocked(location)
    with time_machine.travel(at(10, 0), tick=False):
        order = checkout(
            location,
            [(product, 1)],
            fulfilment=FulfilmentChoice(type="pickup", pickup_at=at(10, 30)),
        )
    fulfilment = Fulfilment.objects.get(order=order)

    with time_machine.travel(at(10, 0), tick=False):
        assert late_risk(fulfilment, timezone.now(), time_zone=location.time_zone).is_late is False
    with time_machine.travel(at(10, 5), tick=False):
        assert late_risk(fulfilment, timezone.now(), time_zone=location.time_zone).is_late is False
    with time_machine.travel(at(10, 5, 30), tick=False):
        risk = late_risk(fulfilment, timezone.now(), time_zone=location.time_zone)
    assert risk.is_late is True
    assert risk.reason == "ready at 10:31 at the earliest, promised 10:30"


@pytest.mark.django_db
def test_a_real_order_accepted_at_10_04_stays_green(make_member):
    location = LocationFactory(preparation_minutes=25)
    manager = make_member(permissions=[Permission.MANAGE_ORDERS])
    product = stocked(location)
    with time_machine.travel(at(10, 0), tick=False):
        order = checkout(
            location,
            [(product, 1)],
            fulfilment=FulfilmentChoice(type="pickup", pickup_at=at(10, 30)),
        )
    with time_machine.travel(at(10, 4), tick=False):
        fulfilment = accept_order(actor=manager, order_id=order.pk, expected_version=1).fulfilment

    with time_machine.travel(at(10, 20), tick=False):
        assert late_risk(fulfilment, timezone.now(), time_zone=location.time_zone).is_late is False
    fulfilment.refresh_from_db()
    assert late_risk(fulfilment, at(11, 0)).expected_ready_at == at(10, 29)


@pytest.mark.django_db
def test_a_longer_preparation_set_when_accepting_turns_the_order_red(make_member):
    location = LocationFactory(preparation_minutes=25)
    manager = make_member(permissions=[Permission.MANAGE_ORDERS])
    product = stocked(location)
    with time_machine.travel(at(10, 0), tick=False):
        order = checkout(
            location,
            [(product, 1)],
            fulfilment=FulfilmentChoice(type="pickup", pickup_at=at(10, 30)),
        )
        fulfilment = accept_order(
            actor=manager, order_id=order.pk, expected_version=1, preparation_minutes=35
        ).fulfilment

    risk = late_risk(fulfilment, at(10, 1), time_zone="Europe/Paris")
    assert risk.is_late is True
    assert risk.reason == "expected ready at 10:35, promised 10:30"


# --- which orders carry a flag, and what they are promised --------------------------


@pytest.mark.parametrize("state", [S.PREPARED, S.COMPLETED, S.CANCELLED, S.FAILED])
def test_prepared_and_ended_orders_carry_no_flag(state):
    risk = late_risk(pickup(35, state=state, accepted_at=at(10, 0)), at(12, 0))

    assert (risk.is_late, risk.reason) == (None, "")


def test_a_shipment_carries_no_flag():
    shipment = FulfilmentValues(
        type=FulfilmentType.SHIPMENT, state=S.PROPOSED, placed_at=at(10, 0), preparation_minutes=60
    )

    assert late_risk(shipment, at(18, 0)).is_late is None


def test_a_delivery_is_promised_at_its_deliver_at_time():
    delivery = FulfilmentValues(
        type=FulfilmentType.DELIVERY,
        state=S.PROPOSED,
        placed_at=at(10, 0),
        preparation_minutes=30,
        deliver_at=at(11, 0),
    )

    assert late_risk(delivery, at(10, 25)).is_late is False
    assert late_risk(delivery, at(10, 31)).is_late is True
    assert late_risk(delivery, at(10, 31)).promised_at == at(11, 0)


def test_a_table_order_is_promised_at_placement_plus_preparation():
    table = FulfilmentValues(
        type=FulfilmentType.TABLE, state=S.PROPOSED, placed_at=at(10, 0), preparation_minutes=15
    )

    assert late_risk(table, at(10, 0)).promised_at == at(10, 15)
    assert late_risk(table, at(10, 0)).is_late is False
    assert late_risk(table, at(10, 1)).is_late is True


def test_times_read_in_the_locations_zone():
    risk = late_risk(pickup(35), at(10, 0), time_zone="America/Montreal")

    assert risk.reason == "ready at 05:35 at the earliest, promised 05:30"


# --- properties --------------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=600)


@given(
    preparation=st.integers(min_value=1, max_value=240),
    promised_after=minutes,
    earlier=minutes,
    delay=minutes,
    looked_after=minutes,
)
def test_accepting_earlier_never_makes_an_order_later(
    preparation, promised_after, earlier, delay, looked_after
):
    placed = at(10, 0)
    first = placed + timedelta(minutes=earlier)
    second = first + timedelta(minutes=delay)
    now = second + timedelta(minutes=looked_after)
    common = {"pickup_at": placed + timedelta(minutes=promised_after), "state": S.RESERVED}

    sooner = late_risk(pickup(preparation, accepted_at=first, **common), now)
    later = late_risk(pickup(preparation, accepted_at=second, **common), now)

    assert sooner.expected_ready_at <= later.expected_ready_at
    assert not sooner.is_late or later.is_late


@given(preparation=st.integers(min_value=1, max_value=240), first=minutes, wait=minutes)
def test_an_order_waiting_to_be_accepted_never_turns_green_again(preparation, first, wait):
    order = pickup(preparation)
    now = at(10, 0) + timedelta(minutes=first)

    before = late_risk(order, now)
    after = late_risk(order, now + timedelta(minutes=wait))

    assert before.expected_ready_at <= after.expected_ready_at
    assert not before.is_late or after.is_late


# --- the acceptance reminder --------------------------------------------------------


@pytest.mark.django_db
def test_orders_not_accepted_within_five_minutes_are_listed_for_the_reminder(make_member):
    assert timedelta(minutes=5) == ACCEPTANCE_REMINDER_AFTER
    location = LocationFactory(preparation_minutes=20)
    other = LocationFactory(preparation_minutes=20)
    manager = make_member(permissions=[Permission.MANAGE_ORDERS])
    product, elsewhere = stocked(location, stock=None), stocked(other, stock=None)
    with time_machine.travel(at(10, 0), tick=False):
        waiting = checkout(location, [(product, 1)], fulfilment=FulfilmentChoice(type="pickup"))
        accepted = checkout(location, [(product, 1)], fulfilment=FulfilmentChoice(type="pickup"))
        checkout(other, [(elsewhere, 1)], fulfilment=FulfilmentChoice(type="pickup"))
        accept_order(actor=manager, order_id=accepted.pk, expected_version=1)
    with time_machine.travel(at(10, 3), tick=False):
        newer = checkout(location, [(product, 1)], fulfilment=FulfilmentChoice(type="pickup"))

    assert list(orders_awaiting_acceptance(location, now=at(10, 4, 59))) == []
    assert list(orders_awaiting_acceptance(location, now=at(10, 5))) == [waiting]
    assert list(orders_awaiting_acceptance(location, now=at(10, 8))) == [waiting, newer]
    assert list(orders_awaiting_acceptance(location.pk, timedelta(minutes=10), now=at(10, 8))) == []
