"""The order columns of a customer record (order count, total spent without cancelled
orders, last order and its location), stored on the record so that the directory can
sort and filter 200,000 records by them. ``count_new_order`` is the cheap step of order
placing; ``recount_orders`` recomputes from the orders themselves and is what every other
change of a record's orders calls (cancellation, merge, import of old orders)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from comptoir.customers.models import Customer
from comptoir.orders.models import Order, OrderState


def count_new_order(*, customer_id: int, total: int, placed_at: datetime, location_id: int) -> None:
    """One UPDATE in the order's transaction (the record's row is locked until it ends,
    so two orders of one customer are counted one after the other)."""
    newer = Q(last_order_at__isnull=True) | Q(last_order_at__lte=placed_at)
    Customer.objects.filter(pk=customer_id).update(
        order_count=F("order_count") + 1,
        total_spent=F("total_spent") + total,
        last_order_at=Case(
            When(newer, then=Value(placed_at)),
            default=F("last_order_at"),
            output_field=DateTimeField(),
        ),
        last_location_id=Case(
            When(newer, then=Value(location_id)),
            default=F("last_location_id"),
            output_field=BigIntegerField(),
        ),
    )


def recount_orders(customer_ids: Iterable[int] | None = None, *, using: str = "default") -> int:
    """Recompute the order columns of these records (all records when None) from their
    orders, in one UPDATE. Returns the number of records updated."""
    orders = Order.objects.using(using).filter(customer=OuterRef("pk"))
    totals = (
        orders.order_by()
        .values("customer")
        .annotate(
            n=Count("pk"),
            spent=Sum("total", filter=~Q(state=OrderState.CANCELLED)),
        )
    )
    latest = orders.order_by("-placed_at", "-pk")
    records = Customer.objects.using(using).all()
    if customer_ids is not None:
        records = records.filter(pk__in=list(customer_ids))
    return records.update(
        order_count=Coalesce(Subquery(totals.values("n")[:1]), Value(0)),
        total_spent=Coalesce(
            Subquery(totals.values("spent")[:1]), Value(0), output_field=IntegerField()
        ),
        last_order_at=Subquery(latest.values("placed_at")[:1]),
        last_location_id=Subquery(latest.values("location_id")[:1]),
    )
