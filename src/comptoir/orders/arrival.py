"""The shopper's "I'm here" for a curbside pickup: stamps ``Fulfilment.arrived_at``
and writes an "arrived" event, once. Staff of the location see it on the Orders page.

The shopper is identified by the caller (the guest status link or the signed-in
account page); the order's version is not bumped: an arrival changes nothing staff
decided, so it must not turn a colleague's pending action into a version conflict."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.errors import DomainError, NotFound
from comptoir.orders.events import record_event
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderState,
)

ARRIVED = "arrived"
_ENDED = frozenset({FulfilmentState.COMPLETED, FulfilmentState.CANCELLED, FulfilmentState.FAILED})


class ArrivalRefused(DomainError):
    code = "arrival_refused"
    status = 409


def can_arrive(order: Order) -> bool:
    """True for an open curbside pickup not yet collected (what shows the button)."""
    fulfilment = getattr(order, "fulfilment", None)
    return (
        fulfilment is not None
        and order.state == OrderState.OPEN
        and fulfilment.type == FulfilmentType.PICKUP
        and fulfilment.curbside
        and fulfilment.state not in _ENDED
    )


def record_arrival(*, order_id: int) -> Fulfilment:
    """Stamp the customer's arrival (idempotent: a second press keeps the first time).
    Refused for anything but an open curbside pickup."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("fulfilment")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            raise NotFound(_("No such order."))
        if not can_arrive(order):
            raise ArrivalRefused(
                _("“I'm here” is only for a curbside pickup that has not been collected yet.")
            )
        fulfilment = order.fulfilment
        if fulfilment.arrived_at is not None:
            return fulfilment
        fulfilment.arrived_at = timezone.now()
        fulfilment.save(update_fields=["arrived_at"])
        record_event(order, ARRIVED)
    return fulfilment
