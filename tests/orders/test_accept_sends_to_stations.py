"""Accepting an order, whoever accepts it (the Orders page, a partner decision), sends
each kitchen station a ticket of its items."""

from __future__ import annotations

import pytest

from comptoir.orders.fulfilment import accept_order
from comptoir.stations.models import Station, Ticket
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


def test_accepting_makes_one_ticket_per_station(owner):
    location = LocationFactory()
    Station.objects.create(
        location=location, name="Kitchen", printer_host="127.0.0.1", is_fallback=True
    )
    order = checkout(location, [(stocked(location, stock=None), 2)], fulfilment=PICKUP)

    done = accept_order(actor=owner, order_id=order.pk, expected_version=order.version)

    tickets = Ticket.objects.filter(order=order)
    assert [t.station.name for t in tickets] == ["Kitchen"]
    assert done.order.version == order.version + 1
