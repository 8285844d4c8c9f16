"""Timeline rows of an order (orders.models.OrderEvent), written by the services in the
same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from comptoir.orders.models import FulfilmentState, Order, OrderEvent, OrderEventKind
from comptoir.team.models import TeamMember


def record_event(
    order: Order | int,
    kind: OrderEventKind | str,
    *,
    actor: TeamMember | None = None,
    from_state: FulfilmentState | str = "",
    to_state: FulfilmentState | str = "",
    **detail: Any,
) -> OrderEvent:
    """``detail`` holds codes, ids and numbers only (JSON), never free text typed by
    someone: the timeline then needs no scrubbing when a customer is erased."""
    order_id = order if isinstance(order, int) else order.pk
    return OrderEvent.objects.create(
        order_id=order_id,
        kind=str(kind),
        actor=actor,
        from_state=str(from_state),
        to_state=str(to_state),
        detail=detail,
    )


def order_timeline(order: Order | int) -> list[OrderEvent]:
    """The order's events, oldest first, with who did each."""
    order_id = order if isinstance(order, int) else order.pk
    return list(
        OrderEvent.objects.filter(order_id=order_id)
        .select_related("actor__user")
        .order_by("at", "id")
    )
