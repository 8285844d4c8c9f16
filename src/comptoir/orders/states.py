"""The fulfilment state machine as data, the order-state rule that follows from it,
and what shoppers read for each state.

proposed -> reserved (accepted, preparation started) -> prepared (ready) -> completed;
any state before completed may also end as cancelled or failed (could not be completed,
not explicitly cancelled). Terminal states go nowhere."""

from __future__ import annotations

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.errors import DomainError
from comptoir.orders.models import FulfilmentState, FulfilmentType, OrderState

S = FulfilmentState

TRANSITIONS: dict[FulfilmentState, frozenset[FulfilmentState]] = {
    S.PROPOSED: frozenset({S.RESERVED, S.CANCELLED, S.FAILED}),
    S.RESERVED: frozenset({S.PREPARED, S.CANCELLED, S.FAILED}),
    S.PREPARED: frozenset({S.COMPLETED, S.CANCELLED, S.FAILED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}

TERMINAL_FULFILMENT_STATES = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)

# The timestamp each state stamps on the fulfilment when it is entered.
STAMPED_FIELD: dict[FulfilmentState, str] = {
    S.PROPOSED: "placed_at",
    S.RESERVED: "accepted_at",
    S.PREPARED: "ready_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
    S.FAILED: "failed_at",
}

TERMINAL_ORDER_STATES = frozenset({OrderState.COMPLETED, OrderState.CANCELLED})

# Orders that are not revenue: cancelled by the shop, or whose fulfilment was cancelled
# elsewhere (a partner's cancellation completes the order with its fulfilment cancelled).
NOT_REVENUE = Q(state=OrderState.CANCELLED) | Q(fulfilment__state=FulfilmentState.CANCELLED)


class IllegalTransition(DomainError):
    code = "illegal_transition"
    status = 409


def can_transition(current: FulfilmentState | str, target: FulfilmentState | str) -> bool:
    return FulfilmentState(target) in TRANSITIONS[FulfilmentState(current)]


def check_transition(current: FulfilmentState | str, target: FulfilmentState | str) -> None:
    """Raise IllegalTransition, saying why, unless ``current`` may become ``target``."""
    current, target = FulfilmentState(current), FulfilmentState(target)
    if target in TRANSITIONS[current]:
        return
    if current in TERMINAL_FULFILMENT_STATES:
        message = _("This order is already %(current)s: it cannot be changed any more.")
    elif current == target:
        message = _("This order is already %(current)s.")
    else:
        message = _("An order that is %(current)s cannot become %(target)s.")
    raise IllegalTransition(
        message % {"current": current.label.lower(), "target": target.label.lower()}
    )


def order_state_for(
    current: OrderState | str, fulfilment_state: FulfilmentState | str | None
) -> OrderState:
    """The order's state given its fulfilment's: completed and cancelled orders stay so;
    an order without fulfilment (donation, e-gift card) is completed once paid; otherwise
    it is completed only when its fulfilment has ended (completed, cancelled or failed)."""
    current = OrderState(current)
    if current in TERMINAL_ORDER_STATES:
        return current
    if fulfilment_state is None or FulfilmentState(fulfilment_state) in TERMINAL_FULFILMENT_STATES:
        return OrderState.COMPLETED
    return OrderState.OPEN


# What the shopper reads (status page, account, emails). Labels differing by type are
# listed per type; the others hold for every type.
_PREPARED_LABELS: dict[FulfilmentType, Promise] = {
    FulfilmentType.PICKUP: _("Ready for pickup"),
    FulfilmentType.DELIVERY: _("Out for delivery"),
    FulfilmentType.SHIPMENT: _("Shipped"),
    FulfilmentType.TABLE: _("Served"),
}
_COMPLETED_LABELS: dict[FulfilmentType, Promise] = {
    FulfilmentType.PICKUP: _("Picked up"),
    FulfilmentType.DELIVERY: _("Delivered"),
    FulfilmentType.SHIPMENT: _("Delivered"),
    FulfilmentType.TABLE: _("Served"),
}
_LABELS: dict[FulfilmentState, Promise] = {
    S.PROPOSED: _("Received"),
    S.RESERVED: _("Being prepared"),
    S.CANCELLED: _("Cancelled"),
    # Not explicitly cancelled, but the shopper did not get the order all the same.
    S.FAILED: _("Could not be completed"),
}


def shopper_label(fulfilment_type: FulfilmentType | str, state: FulfilmentState | str) -> Promise:
    """The shopper-facing status of a fulfilment (a lazy translation)."""
    kind, state = FulfilmentType(fulfilment_type), FulfilmentState(state)
    if state == S.PREPARED:
        return _PREPARED_LABELS[kind]
    if state == S.COMPLETED:
        return _COMPLETED_LABELS[kind]
    return _LABELS[state]


_ORDER_LABELS: dict[OrderState, Promise] = {
    OrderState.OPEN: _("Received"),
    OrderState.COMPLETED: _("Completed"),
    OrderState.CANCELLED: _("Cancelled"),
}


def order_label(
    order_state: OrderState | str,
    fulfilment_type: FulfilmentType | str | None,
    fulfilment_state: FulfilmentState | str | None,
) -> Promise:
    """The shopper-facing status of an order: its fulfilment's, or for an order without
    one (donation, e-gift card) its own; a cancelled order reads cancelled."""
    if OrderState(order_state) == OrderState.CANCELLED:
        return _ORDER_LABELS[OrderState.CANCELLED]
    if fulfilment_type and fulfilment_state:
        return shopper_label(fulfilment_type, fulfilment_state)
    return _ORDER_LABELS[OrderState(order_state)]
