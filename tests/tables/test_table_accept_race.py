"""A table order accepted twice at once (a double submit of the same checkout): one
acceptance, one timeline event, one ticket per station (PostgreSQL)."""

from __future__ import annotations

import pytest

from comptoir.orders.fulfilment import accept_table_order
from comptoir.orders.models import FulfilmentState, OrderEvent, OrderSource
from comptoir.orders.services import FulfilmentChoice
from comptoir.shop.selectors import get_shop
from comptoir.stations.models import Ticket
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.orders.factories import checkout
from tests.stations.factories import cafe


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_acceptances_at_once_accept_the_order_once(round_):
    skip_unless_postgres()
    get_shop()
    place = cafe()
    order = checkout(
        place.location,
        [(place.croissant, 1), (place.espresso, 1)],
        fulfilment=FulfilmentChoice(type="table", table_label="4"),
        source=OrderSource.TABLE,
    )

    outcomes = run_at_once(2, lambda _n: accept_table_order(order_id=order.pk))

    assert sorted(outcomes, key=repr) == [False, True], outcomes
    order.refresh_from_db()
    assert order.fulfilment.state == FulfilmentState.RESERVED
    assert order.version == 2
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert Ticket.objects.filter(order=order).count() == 2  # kitchen and bar, once each
