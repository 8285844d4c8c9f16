"""Orders attached straight to a customer record, for the back-office customers tests
(the totals and filters read only the order rows, not how they were placed)."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.utils import timezone

from comptoir.customers.services.order_stats import recount_orders
from comptoir.orders.models import Order, OrderSource, OrderState

_numbers = itertools.count(1)


def order_for(
    customer,
    location,
    *,
    total: int = 1000,
    placed_at: datetime | None = None,
    state: str = OrderState.OPEN,
    source: str = OrderSource.SITE,
) -> Order:
    number = next(_numbers)
    order = Order.objects.create(
        number=f"T-{number}",
        customer=customer,
        account=customer.user,
        location=location,
        currency="EUR",
        subtotal=total,
        total=total,
        email=customer.email or "",
        language="fr",
        placed_at=placed_at or timezone.now(),
        state=state,
        source=source,
        status_token=f"token-{number}",
    )
    # Inserted here without the order services: the record's order columns follow as
    # they would after any change of its orders.
    recount_orders([customer.pk])
    return order
