"""The order's timeline: one event per staff change, saying who, when, from and to."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from comptoir.errors import Conflict, PermissionDenied
from comptoir.orders.events import order_timeline, record_event
from comptoir.orders.fulfilment import accept_order, cancel_order, mark_order_ready
from comptoir.orders.models import Fulfilment, OrderEvent, OrderEventKind
from comptoir.orders.states import IllegalTransition
from comptoir.team.permissions import Permission
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(location):
    return checkout(location, [(stocked(location), 1)], fulfilment=PICKUP)


@pytest.fixture
def manager(make_member, location):
    return make_member(permissions=[Permission.MANAGE_ORDERS], locations=[location])


def test_each_change_writes_an_event_with_who_did_it_and_when(order, manager, make_member):
    colleague = make_member(permissions=[Permission.MANAGE_ORDERS])
    with time_machine.travel("2026-03-10 09:04Z", tick=False):
        accept_order(actor=manager, order_id=order.pk, expected_version=1, preparation_minutes=30)
    with time_machine.travel("2026-03-10 09:30Z", tick=False):
        mark_order_ready(actor=colleague, order_id=order.pk, expected_version=2)

    accepted, ready = order_timeline(order)

    assert (accepted.kind, accepted.from_state, accepted.to_state) == (
        "accepted",
        "proposed",
        "reserved",
    )
    assert accepted.actor == manager
    assert accepted.at.isoformat() == "2026-03-10T09:04:00+00:00"
    assert accepted.detail["version"] == 2
    assert accepted.detail["preparation_minutes"] == 30
    assert (ready.kind, ready.from_state, ready.to_state, ready.actor) == (
        "ready",
        "reserved",
        "prepared",
        colleague,
    )
    assert ready.kind_label == "Ready"
    assert ready.actor.user.email == colleague.user.email


def test_the_cancel_event_keeps_codes_only_the_reason_stays_on_the_fulfilment(order, manager):
    cancel_order(actor=manager, order_id=order.pk, expected_version=1, reason="Camille called")

    event = OrderEvent.objects.get(order=order)
    assert event.kind == OrderEventKind.CANCELLED
    assert "Camille" not in str(event.detail)
    assert Fulfilment.objects.get(order=order).cancel_reason == "Camille called"


def test_a_refused_change_writes_no_event(order, manager, make_member):
    viewer = make_member(permissions=[Permission.VIEW_ORDERS])

    with pytest.raises(PermissionDenied):
        accept_order(actor=viewer, order_id=order.pk, expected_version=1)
    with pytest.raises(Conflict):
        accept_order(actor=manager, order_id=order.pk, expected_version=2)
    with pytest.raises(IllegalTransition):
        mark_order_ready(actor=manager, order_id=order.pk, expected_version=1)

    assert not OrderEvent.objects.exists()


def test_events_from_others_than_staff_have_no_actor(order):
    event = record_event(order, "customer_arrived", vehicle_given=True)

    assert event.actor is None
    assert event.kind_label == "customer_arrived"  # a kind this module does not name yet
    assert order_timeline(order.pk) == [event]
    assert event.at <= timezone.now()


def test_the_timeline_reads_in_one_query(order, manager, count_queries):
    accept_order(actor=manager, order_id=order.pk, expected_version=1)
    mark_order_ready(actor=manager, order_id=order.pk, expected_version=2)

    with count_queries() as counted:
        events = order_timeline(order)
        emails = [event.actor.user.email for event in events]

    assert counted.count == 1
    assert emails == [manager.user.email] * 2


def test_a_departed_member_leaves_their_events_without_actor(order, manager):
    accept_order(actor=manager, order_id=order.pk, expected_version=1)

    manager.delete()

    event = OrderEvent.objects.get(order=order)
    assert event.actor is None
    assert event.to_state == "reserved"
