"""What a customer record's orders add up to (customers.models.CustomerSpending: order
count, total spent without cancelled orders, last order and its location), kept so that
the directory can sort and filter 200,000 records by them. ``start_spending`` creates the
row with the record; ``count_new_order`` is the cheap step of order placing;
``recount_orders`` recomputes from the orders themselves and is what every other change
of a record's orders calls (cancellation, merge)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from comptoir.compiled_insert import insert
from comptoir.customers.models import Customer, CustomerSpending
from comptoir.orders.models import Order
from comptoir.orders.states import NOT_REVENUE


def start_spending(customer: Customer) -> None:
    """The record's row of zeros, inserted with the record (same transaction)."""
    insert(CustomerSpending(customer=customer))


def count_new_order(*, customer_id: int, total: int, placed_at: datetime, location_id: int) -> None:
    """One UPDATE in the order's transaction (the row stays locked until it ends, so two
    orders of one customer are counted one after the other). Written as SQL: on every
    order placed, the ORM's expressions for it (two CASEs) cost about 1 ms to build; the
    statement is written once per process."""
    sql = _count_new_order_sql()
    at = connection.ops.adapt_datetimefield_value(placed_at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [total, at, at, at, location_id, customer_id])
        updated = cursor.rowcount
    if not updated:  # a record made before its row existed: count from its orders
        recount_orders([customer_id])


_COUNT_NEW_ORDER_SQL: dict[str, str] = {}


def _count_new_order_sql() -> str:
    sql = _COUNT_NEW_ORDER_SQL.get(connection.vendor)
    if sql is not None:
        return sql
    quote = connection.ops.quote_name
    meta = CustomerSpending._meta
    column = {field.name: quote(field.column or field.name) for field in meta.concrete_fields}
    count, spent, last, where = (
        column["order_count"],
        column["total_spent"],
        column["last_order_at"],
        column["last_location"],
    )
    newer = f"{last} IS NULL OR {last} <= %s"
    # Only identifiers from the model, quoted; the values go as parameters.
    sql = _COUNT_NEW_ORDER_SQL[connection.vendor] = (
        f"UPDATE {quote(meta.db_table)} SET {count} = {count} + 1, "  # noqa: S608
        f"{spent} = {spent} + %s, "
        f"{last} = CASE WHEN {newer} THEN %s ELSE {last} END, "
        f"{where} = CASE WHEN {newer} THEN %s ELSE {where} END "
        f"WHERE {column['customer']} = %s"
    )
    return sql


def recount_orders(customer_ids: Iterable[int] | None = None, *, using: str = "default") -> int:
    """Recompute the rows of these records (every record when None) from their orders,
    creating missing rows. Returns the number of rows updated."""
    records = Customer.objects.using(using).all()
    if customer_ids is not None:
        records = records.filter(pk__in=list(customer_ids))
    CustomerSpending.objects.using(using).bulk_create(
        [
            CustomerSpending(customer_id=pk)
            for pk in records.filter(spending__isnull=True).values_list("pk", flat=True)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    orders = Order.objects.using(using).filter(customer=OuterRef("customer_id"))
    totals = (
        orders.order_by()
        .values("customer")
        .annotate(n=Count("pk"), spent=Sum("total", filter=~NOT_REVENUE))
    )
    latest = orders.order_by("-placed_at", "-pk")
    rows = CustomerSpending.objects.using(using).all()
    if customer_ids is not None:
        rows = rows.filter(customer__in=records)
    return rows.update(
        order_count=Coalesce(Subquery(totals.values("n")[:1]), Value(0)),
        total_spent=Coalesce(
            Subquery(totals.values("spent")[:1]), Value(0), output_field=IntegerField()
        ),
        last_order_at=Subquery(latest.values("placed_at")[:1]),
        last_location_id=Subquery(latest.values("location_id")[:1]),
    )
