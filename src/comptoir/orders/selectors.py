"""Reads about orders, each scoped to who asks: a customer sees theirs, a guest the one
their status link names, staff the orders of the locations they work at."""

from __future__ import annotations

import hmac
from collections.abc import Collection, Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.compiled_read import CompiledRead, CompiledValues
from comptoir.customers.models import Customer
from comptoir.errors import NotFound
from comptoir.orders.models import Order, OrderLine
from comptoir.team.access import require, visible_location_ids
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission


def orders_of_customer(customer: Customer) -> QuerySet[Order]:
    """Every order of a customer record, newest first (the merchant's view of the
    customer; the shopper's account lists only those placed signed in)."""
    return (
        Order.objects.filter(customer=customer)
        .select_related("fulfilment", "location")
        .order_by("-placed_at", "-id")
    )


# The order a confirmation or status page shows (after every checkout), with its
# fulfilment and location: the SQL compiled once per process.
_order_by_number = CompiledRead(
    lambda number: Order.objects.select_related("fulfilment", "location").filter(number=number),
    placeholder="compiled-read-placeholder",
)


def order_by_status_token(number: str, token: str) -> Order:
    """The order a guest status link names. The same NotFound whether the number is
    unknown or the token wrong, so a link reveals nothing about other orders."""
    order = _order_by_number.first(number)  # its lines: ``order_lines``
    # Compared even when there is no order, so the timing does not tell either.
    expected = order.status_token if order is not None else "-" * 32
    if not hmac.compare_digest(expected.encode(), (token or "").encode()) or order is None:
        raise NotFound(_("No such order, or the link is incomplete."))
    return order


def orders_visible_to(member: TeamMember) -> QuerySet[Order]:
    """Orders of the locations ``member`` works at (needs "view orders")."""
    require(member, Permission.VIEW_ORDERS)
    return orders_at(visible_location_ids(member))


def orders_at(location_ids: Iterable[int] | None) -> QuerySet[Order]:
    """Orders of the given locations (None: every location), newest first. The caller
    has checked who asks (``orders_visible_to``)."""
    orders = Order.objects.select_related("customer", "fulfilment", "location").order_by(
        "-placed_at", "-id"
    )
    return orders if location_ids is None else orders.filter(location_id__in=location_ids)


# Every placing request asks twice (before charging, then in the order's transaction):
# the statement is compiled once per process (the order's 40 columns took about 0.9 ms
# of Python to write each time).
_order_with_key = CompiledRead(
    lambda key: Order.objects.filter(idempotency_key=key), placeholder="compiled-read-placeholder"
)


def order_placed_with(idempotency_key: str) -> Order | None:
    """The order a checkout already placed with this key (a double submit), if any."""
    return _order_with_key.first(idempotency_key)


_LINE_FIELDS = [field.attname for field in OrderLine._meta.concrete_fields]
_lines_of_order = CompiledValues(
    lambda _key, order_id: OrderLine.objects.filter(order_id=order_id).values_list(*_LINE_FIELDS),
    placeholders=(-7_913_572_468_135,),
)


def order_lines(order: Order) -> list[OrderLine]:
    """The order's lines in their order, for the confirmation and status pages: the
    statement compiled once per process, the rows made into objects as the ORM does."""
    return [
        OrderLine.from_db("default", _LINE_FIELDS, row)
        for row in _lines_of_order.rows(None, order.pk)
    ]


def order_for_confirmation(
    number: str, *, placed_here: Collection[str], user_id: int | None
) -> Order:
    """The order a confirmation page shows: only to the browser session that placed it
    (``placed_here``: the numbers it placed) or to the account that owns it. Its lines
    are read by the page (``order.lines.all()``)."""
    order = _order_by_number.first(number)
    if order is None or not (
        number in placed_here or (user_id is not None and order.account_id == user_id)
    ):
        raise NotFound(_("No such order."))
    return order
