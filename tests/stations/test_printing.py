"""An accepted order reaches each station as a ticket with only its lines, printed over
ESC/POS to a real TCP listener on the loopback; failures are retried, then shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.orders.services import Contact, FulfilmentChoice, place_donation
from comptoir.stations.models import Station, Ticket, TicketState
from comptoir.stations.routing import TicketLine, tickets_for_order
from comptoir.stations.services import send_changed_lines, send_order_to_stations
from comptoir.stations.tasks import print_ticket
from comptoir.team.permissions import Permission
from tests.orders.factories import PICKUP, checkout, paid
from tests.stations.factories import cafe
from tests.stations.printer_standin import PrinterStandIn, closed_port

TABLE_4 = FulfilmentChoice(type="table", table_label="4")


def test_mixed_order_prints_each_station_only_its_items(run_worker):
    with PrinterStandIn() as kitchen_printer, PrinterStandIn() as bar_printer:
        place = cafe(kitchen_port=kitchen_printer.port, bar_port=bar_printer.port)
        order = checkout(
            place.location, [(place.croissant, 2), (place.espresso, 1)], fulfilment=TABLE_4
        )

        tickets = send_order_to_stations(order.pk, 1)
        run_worker()

        [kitchen_bytes] = kitchen_printer.wait_for(1)
        [bar_bytes] = bar_printer.wait_for(1)

    assert {ticket.station for ticket in tickets} == {place.kitchen, place.bar}
    assert b"2 x Croissant" in kitchen_bytes
    assert b"Espresso" not in kitchen_bytes
    assert b"1 x Espresso" in bar_bytes
    assert b"Croissant" not in bar_bytes
    for payload in (kitchen_bytes, bar_bytes):
        assert order.number.encode() in payload
        assert b"Table 4" in payload
        assert payload.startswith(b"\x1b@")  # ESC @: the printer is reset first
        assert b"\x1dV" in payload  # GS V: the paper is cut
    assert b"Kitchen" in kitchen_bytes and b"Bar" in bar_bytes
    assert set(Ticket.objects.values_list("state", "attempts", "error")) == {
        (TicketState.PRINTED, 1, "")
    }


def test_line_whose_category_routes_nowhere_goes_to_the_fallback_station(run_worker):
    with PrinterStandIn() as kitchen_printer, PrinterStandIn() as bar_printer:
        place = cafe(kitchen_port=kitchen_printer.port, bar_port=bar_printer.port)
        order = checkout(
            place.location, [(place.sandwich, 1), (place.espresso, 2)], fulfilment=PICKUP
        )

        send_order_to_stations(order.pk, 1)
        run_worker()
        [kitchen_bytes] = kitchen_printer.wait_for(1)
        [bar_bytes] = bar_printer.wait_for(1)

    assert place.kitchen.is_fallback and not place.bar.is_fallback
    assert b"1 x Jambon-beurre" in kitchen_bytes
    assert b"Jambon-beurre" not in bar_bytes
    assert b"2 x Espresso" in bar_bytes


@pytest.mark.django_db
def test_order_splits_by_the_category_recorded_on_its_lines_not_the_current_one():
    place = cafe()
    order = checkout(place.location, [(place.croissant, 1), (place.espresso, 1)], fulfilment=PICKUP)
    # Moved to the drinks after the sale: the line keeps the category it was sold in.
    place.croissant.category = place.drinks
    place.croissant.save(update_fields=["category"])

    routed = tickets_for_order(order)

    assert {station.name: [line.name for line in lines] for station, lines in routed.items()} == {
        "Kitchen": ["Croissant"],
        "Bar": ["Espresso"],
    }


@pytest.mark.django_db
def test_location_without_stations_gets_no_ticket():
    place = cafe()
    order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)
    Station.objects.filter(location=place.location).delete()

    assert send_order_to_stations(order.pk, 1) == []
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_donation_has_nothing_for_the_stations():
    place = cafe()
    donation = place_donation(
        idempotency_key="don-1",
        location=place.location,
        amount=500,
        note="",
        contact=Contact(email="camille@example.com"),
        payment=paid(500),
        language="fr",
    )

    assert send_order_to_stations(donation.pk, 1) == []
    assert not Ticket.objects.exists()


def test_print_task_running_twice_prints_once(run_worker):
    with PrinterStandIn() as kitchen_printer, PrinterStandIn() as bar_printer:
        place = cafe(kitchen_port=kitchen_printer.port, bar_port=bar_printer.port)
        order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)
        [ticket] = send_order_to_stations(order.pk, 1)
        print_ticket.enqueue(ticket.pk)  # a duplicate, as after a lost acknowledgement
        # The acceptance sent twice (a retried request): same revision, nothing new.
        assert send_order_to_stations(order.pk, 1) == [ticket]

        run_worker()
        kitchen_printer.wait_for(2, timeout=1)

    assert len(kitchen_printer.tickets) == 1
    assert bar_printer.tickets == []
    print_runs = DBTaskResult.objects.filter(task_path=print_ticket.module_path)
    assert sorted(print_runs.values_list("status", "return_value")) == [
        (TaskResultStatus.SUCCESSFUL, "already printed"),
        (TaskResultStatus.SUCCESSFUL, "printed"),
    ]
    ticket.refresh_from_db()
    assert (ticket.state, ticket.attempts) == (TicketState.PRINTED, 1)
    assert Ticket.objects.count() == 1


def test_unreachable_printer_is_retried_then_alerted_and_reprint_prints(run_worker, staff_client):
    port = closed_port()
    place = cafe(kitchen_port=port)
    order = checkout(place.location, [(place.croissant, 3)], fulfilment=PICKUP)
    [ticket] = send_order_to_stations(order.pk, 1)
    [task_result] = DBTaskResult.objects.filter(task_path=print_ticket.module_path)

    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        for attempt in range(1, 5):
            run_worker()
            ticket.refresh_from_db()
            assert ticket.attempts == attempt
            assert "Connection refused" in ticket.error
            assert f"127.0.0.1:{port}" in ticket.error
            task_result.refresh_from_db()
            if attempt < 4:
                assert ticket.state == TicketState.QUEUED
                assert task_result.status == TaskResultStatus.READY
                # Backoff: 5 s, 10 s, 20 s (plus up to 10 % jitter).
                waited = (task_result.run_after - timezone.now()).total_seconds()
                assert 5 * 2 ** (attempt - 1) <= waited <= 5.5 * 2 ** (attempt - 1)
                clock.move_to(task_result.run_after)
    assert ticket.state == TicketState.FAILED
    assert task_result.status == TaskResultStatus.FAILED

    # The alert, with its Reprint button, on the stations page.
    client = staff_client(Permission.MANAGE_ORDERS, user__language="en")
    page = client.get(reverse("dashboard:station_list")).content.decode()
    assert "could not be printed" in page
    assert f"Order {order.number}" in page
    reprint_url = reverse("dashboard:ticket_reprint", args=[ticket.pk])
    assert reprint_url in page

    with PrinterStandIn(port) as printer:  # the printer is back on
        response = client.post(reprint_url)
        assert response.status_code == 302
        run_worker()
        [payload] = printer.wait_for(1)

    assert b"3 x Croissant" in payload
    ticket.refresh_from_db()
    assert (ticket.state, ticket.error, ticket.attempts) == (TicketState.PRINTED, "", 5)
    page = client.get(reverse("dashboard:station_list")).content.decode()
    assert "could not be printed" not in page


def test_changed_lines_of_an_accepted_order_print_as_a_new_revision(run_worker, english_shop):
    with PrinterStandIn() as kitchen_printer, PrinterStandIn() as bar_printer:
        place = cafe(kitchen_port=kitchen_printer.port, bar_port=bar_printer.port)
        order = checkout(
            place.location, [(place.croissant, 1), (place.espresso, 1)], fulfilment=PICKUP
        )
        send_order_to_stations(order.pk, 1)
        run_worker()

        changed = send_changed_lines(
            order,
            [
                TicketLine(name="Croissant", quantity=2, category_id=place.pastries.pk),
                TicketLine(name="Pain au chocolat", quantity=-1, category_id=place.pastries.pk),
            ],
        )
        run_worker()
        first, second = kitchen_printer.wait_for(2)

    assert [(ticket.station, ticket.revision) for ticket in changed] == [(place.kitchen, 2)]
    assert b"Order " + order.number.encode() + b" - change 2" in second
    assert b"2 x Croissant" in second
    assert b"REMOVE 1 x Pain au chocolat" in second
    assert b"change" not in first
    assert len(bar_printer.tickets) == 1  # nothing changed at the bar


@pytest.mark.django_db
def test_order_never_sent_to_the_stations_gets_no_change_ticket():
    place = cafe()
    order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)

    assert send_changed_lines(order, list(order.lines.all())) == []
    assert not Ticket.objects.exists()
