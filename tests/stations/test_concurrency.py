"""Two at once (PostgreSQL, threads): an acceptance sent twice makes one ticket per
station, two changes get two revisions, two workers print a ticket once."""

from __future__ import annotations

import pytest

from comptoir.shop.selectors import get_shop
from comptoir.stations.models import Ticket, TicketState
from comptoir.stations.printing import deliver_ticket
from comptoir.stations.routing import TicketLine
from comptoir.stations.services import send_changed_lines, send_order_to_stations
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.orders.factories import PICKUP, checkout
from tests.stations.factories import cafe
from tests.stations.printer_standin import PrinterStandIn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AT_ONCE = 4


def test_acceptance_sent_twice_at_once_makes_one_ticket_per_station():
    skip_unless_postgres()
    get_shop()
    place = cafe()
    order = checkout(place.location, [(place.croissant, 1), (place.espresso, 1)], fulfilment=PICKUP)

    outcomes = run_at_once(
        AT_ONCE, lambda n: sorted(t.pk for t in send_order_to_stations(order.pk, 1))
    )

    tickets = sorted(Ticket.objects.filter(order=order).values_list("pk", flat=True))
    assert len(tickets) == 2
    assert outcomes == [tickets] * AT_ONCE


def test_changes_made_at_once_get_one_revision_each():
    skip_unless_postgres()
    get_shop()
    place = cafe()
    order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)
    send_order_to_stations(order.pk, 1)

    run_at_once(
        AT_ONCE,
        lambda n: send_changed_lines(
            order, [TicketLine(name=f"Extra {n}", quantity=1, category_id=place.pastries.pk)]
        ),
    )

    revisions = sorted(Ticket.objects.filter(order=order).values_list("revision", flat=True))
    assert revisions == [1, 2, 3, 4, 5]


def test_two_workers_print_the_same_ticket_once():
    skip_unless_postgres()
    get_shop()
    with PrinterStandIn() as printer:
        place = cafe(kitchen_port=printer.port)
        order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)
        [ticket] = send_order_to_stations(order.pk, 1)

        outcomes = run_at_once(AT_ONCE, lambda n: deliver_ticket(ticket.pk, last_attempt=False))
        printer.wait_for(2, timeout=1)

    assert len(printer.tickets) == 1
    assert sorted(outcomes)[-1] == "printed"
    assert outcomes.count("printed") == 1
    ticket.refresh_from_db()
    assert (ticket.state, ticket.attempts) == (TicketState.PRINTED, 1)
