"""The fulfilment state machine is one table; every pair is checked against it."""

import itertools

import pytest

from comptoir.orders.models import FulfilmentState, FulfilmentType, OrderState
from comptoir.orders.states import (
    IllegalTransition,
    check_transition,
    order_label,
    order_state_for,
    shopper_label,
)

S = FulfilmentState
ALLOWED = {
    (S.PROPOSED, S.RESERVED),
    (S.RESERVED, S.PREPARED),
    (S.PREPARED, S.COMPLETED),
    *(
        (before, end)
        for before in (S.PROPOSED, S.RESERVED, S.PREPARED)
        for end in (S.CANCELLED, S.FAILED)
    ),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_transition_is_allowed_or_refused_with_a_message(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
        return
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, target)
    assert refused.value.status == 409
    assert current.label.lower() in refused.value.message


def test_refusal_messages_read_clearly():
    with pytest.raises(IllegalTransition, match="An order that is proposed cannot become prepared"):
        check_transition("proposed", "prepared")
    with pytest.raises(IllegalTransition, match="already completed: it cannot be changed any more"):
        check_transition("completed", "cancelled")


@pytest.mark.parametrize("fulfilment", list(S))
def test_order_completes_only_when_its_fulfilment_has_ended(fulfilment):
    expected = (
        OrderState.COMPLETED
        if fulfilment in (S.COMPLETED, S.CANCELLED, S.FAILED)
        else OrderState.OPEN
    )
    assert order_state_for(OrderState.OPEN, fulfilment) == expected


def test_order_without_fulfilment_completes_and_terminal_states_stay():
    assert order_state_for(OrderState.OPEN, None) == OrderState.COMPLETED
    assert order_state_for(OrderState.CANCELLED, S.PROPOSED) == OrderState.CANCELLED
    assert order_state_for(OrderState.COMPLETED, S.PROPOSED) == OrderState.COMPLETED


T = FulfilmentType
LABELS = {
    (T.PICKUP, S.PROPOSED): "Received",
    (T.PICKUP, S.RESERVED): "Being prepared",
    (T.PICKUP, S.PREPARED): "Ready for pickup",
    (T.PICKUP, S.COMPLETED): "Picked up",
    (T.DELIVERY, S.PREPARED): "Out for delivery",
    (T.DELIVERY, S.COMPLETED): "Delivered",
    (T.SHIPMENT, S.PREPARED): "Shipped",
    (T.SHIPMENT, S.COMPLETED): "Delivered",
    (T.TABLE, S.PREPARED): "Served",
    (T.TABLE, S.COMPLETED): "Served",
    (T.TABLE, S.CANCELLED): "Cancelled",
    (T.DELIVERY, S.FAILED): "Could not be completed",
}


@pytest.mark.parametrize(("kind", "state"), list(itertools.product(T, S)))
def test_every_type_and_state_has_a_shopper_label(kind, state):
    label = str(shopper_label(kind, state))
    assert label
    if (kind, state) in LABELS:
        assert label == LABELS[kind, state]


def test_order_label_falls_back_to_the_order_state():
    assert str(order_label("completed", None, None)) == "Completed"
    assert str(order_label("cancelled", "pickup", "prepared")) == "Cancelled"
    assert str(order_label("open", "delivery", "prepared")) == "Out for delivery"
