"""What staff do to an order from the dashboard, where one fulfilment transition needs
more than ``orders.fulfilment`` does on its own.

Accepting sends the order to the kitchen stations: the tickets are written in the same
transaction as the acceptance (and printed after commit by the stations' task), so an
order is never accepted without its tickets, nor ticketed without being accepted."""

from __future__ import annotations

from django.db import transaction

from comptoir.orders.fulfilment import Transitioned, accept_order
from comptoir.stations.services import send_order_to_stations
from comptoir.team.models import TeamMember


def accept_and_send_to_stations(
    *,
    actor: TeamMember,
    order_id: int,
    expected_version: int,
    preparation_minutes: int | None = None,
) -> Transitioned:
    """``accept_order`` (permission, location, version and transition checks included),
    then one ticket per station with its lines (revision 1)."""
    with transaction.atomic():
        moved = accept_order(
            actor=actor,
            order_id=order_id,
            expected_version=expected_version,
            preparation_minutes=preparation_minutes,
        )
        send_order_to_stations(order_id, revision=1)
    return moved
