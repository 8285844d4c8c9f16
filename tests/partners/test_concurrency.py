"""The same event, or the same order under two event ids, delivered at the same moment
makes one order (PostgreSQL, threads, each its own connection)."""

from __future__ import annotations

import pytest

from comptoir.customers.models import Customer, CustomerSpending
from comptoir.orders.models import Order
from comptoir.partners.models import PartnerOrder, ProcessedEvent
from comptoir.shop.selectors import get_shop
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.partners.conftest import event

DELIVERIES = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_event_delivered_several_times_at_once_is_applied_once(partner, burger, post_event):
    skip_unless_postgres()
    get_shop()

    outcomes = run_at_once(
        DELIVERIES,
        lambda n: (lambda r: (r.status_code, r.json()["status"]))(post_event(partner, event())),
    )

    assert sorted(outcomes) == sorted(
        [(200, "applied")] + [(200, "already_processed")] * (DELIVERIES - 1)
    )
    assert Order.objects.count() == PartnerOrder.objects.count() == 1
    assert ProcessedEvent.objects.count() == 1
    assert CustomerSpending.objects.get().total_spent == 1900


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_order_sent_under_several_event_ids_at_once_is_created_once(
    partner, burger, post_event
):
    skip_unless_postgres()
    get_shop()

    outcomes = run_at_once(
        DELIVERIES,
        lambda n: (lambda r: (r.status_code, r.json()["status"]))(
            post_event(partner, event(event_id=f"evt_{n}"))
        ),
    )

    assert sorted(outcomes) == sorted(
        [(200, "applied")] + [(200, "duplicate_order")] * (DELIVERIES - 1)
    )
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    assert CustomerSpending.objects.get().total_spent == 1900
