"""A counter order's staff note (``Order.note``) is printed on its kitchen tickets, over
ESC/POS to a real TCP listener on the loopback, and shown on the kitchen display."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.orders.counter import PaymentChoice, place_counter_order
from comptoir.orders.fulfilment import accept_order
from comptoir.shop.selectors import get_shop
from comptoir.stations.models import Ticket
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory
from tests.orders.factories import PICKUP, checkout
from tests.stations.factories import cafe
from tests.stations.printer_standin import PrinterStandIn

NOTE = "No nuts: allergy. Birthday candle on the tart"


def counter_order(owner, place, note: str = NOTE):
    return place_counter_order(
        actor=owner,
        idempotency_key="counter-1",
        location=place.location,
        lines=[(place.croissant, 2), (place.espresso, 1)],
        customer=CustomerFactory(),
        fulfilment=PICKUP,
        note=note,
        payment=PaymentChoice.IN_PERSON,
    )


@pytest.fixture(autouse=True)
def _english(db):
    shop = get_shop()
    shop.published_language = "en"  # the kitchen's language
    shop.save()


def test_the_counter_orders_note_is_printed_on_each_station_ticket(owner, run_worker):
    with PrinterStandIn() as kitchen_printer, PrinterStandIn() as bar_printer:
        place = cafe(kitchen_port=kitchen_printer.port, bar_port=bar_printer.port)
        order = counter_order(owner, place)

        accept_order(actor=owner, order_id=order.pk, expected_version=order.version)
        run_worker()
        [kitchen_bytes] = kitchen_printer.wait_for(1)
        [bar_bytes] = bar_printer.wait_for(1)

    for payload in (kitchen_bytes, bar_bytes):
        assert f"Note: {NOTE}".encode() in payload
        assert order.number.encode() in payload
    assert b"2 x Croissant" in kitchen_bytes and b"1 x Espresso" in bar_bytes


def test_an_order_without_a_note_prints_none(owner, run_worker):
    with PrinterStandIn() as kitchen_printer:
        place = cafe(kitchen_port=kitchen_printer.port)
        order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)

        accept_order(actor=owner, order_id=order.pk, expected_version=order.version)
        run_worker()
        [payload] = kitchen_printer.wait_for(1)

    assert b"1 x Croissant" in payload and b"Note:" not in payload


@pytest.mark.django_db
def test_the_kitchen_display_shows_the_note(owner, staff_client):
    place = cafe()
    order = counter_order(owner, place)
    accept_order(actor=owner, order_id=order.pk, expected_version=order.version)
    assert Ticket.objects.filter(order=order).count() == 2
    client = staff_client(Permission.MANAGE_ORDERS, user__language="en")

    page = client.get(reverse("dashboard:station_screen", args=[place.kitchen.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert f"Order {order.number}" in text
    assert f'<p class="ticket-note"><strong>Note: {NOTE}</strong></p>' in text
