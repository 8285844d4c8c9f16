"""Reads of the dashboard's Orders page: the filtered list (scoped to the locations the
member works at), one order with everything its page shows, and the reminder of orders
waiting to be accepted. Each list read is a fixed number of queries whatever the page
size: everything a row shows comes in through ``select_related``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, IntegerField, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.compiled_read import CompiledValues
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.errors import NotFound
from comptoir.orders.late_risk import acceptance_reminder_after
from comptoir.orders.models import FulfilmentState, FulfilmentType, Order
from comptoir.orders.search import OrderSearchText, fold_query
from comptoir.orders.selectors import orders_at, orders_visible_to
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require, visible_location_ids
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# The sections of the page, by how the order reaches the customer.
KINDS = {
    "pickup": gettext_lazy("Pickup"),
    "curbside": gettext_lazy("Curbside pickup"),
    "delivery": gettext_lazy("Delivery"),
    "shipping": gettext_lazy("Shipping"),
    "table": gettext_lazy("Table"),
}
_KIND_FILTERS = {
    "pickup": Q(fulfilment__type=FulfilmentType.PICKUP, fulfilment__curbside=False),
    "curbside": Q(fulfilment__type=FulfilmentType.PICKUP, fulfilment__curbside=True),
    "delivery": Q(fulfilment__type=FulfilmentType.DELIVERY),
    "shipping": Q(fulfilment__type=FulfilmentType.SHIPMENT),
    "table": Q(fulfilment__type=FulfilmentType.TABLE),
}
# What staff have to act on: still to accept, being prepared, ready.
ACTIVE = "active"
_ACTIVE_STATES = (FulfilmentState.PROPOSED, FulfilmentState.RESERVED, FulfilmentState.PREPARED)


@dataclass(frozen=True)
class OrderFilters:
    """The page's query string, already checked by the view's form. ``source`` is an
    ``OrderSource`` value or ``partner:<id>``."""

    location_id: int | None = None
    kind: str = ""
    state: str = ""
    source: str = ""
    day: date | None = None
    search: str = ""


# The columns a row reads (50 rows of whole orders and fulfilments cost more to load
# than the query takes).
_ROW_FIELDS = (
    *("id", "number", "state", "source", "location_id", "placed_at", "total"),
    *("first_name", "last_name", "email", "phone"),
    *(
        f"fulfilment__{name}"
        for name in (
            *("id", "order_id", "type", "state", "preparation_minutes", "curbside"),
            *("table_label", "placed_at", "accepted_at", "pickup_at", "deliver_at"),
            "arrived_at",
        )
    ),
)


# What a row of the list reads, as values: 50 rows as Order and Fulfilment objects cost
# more to build than the query takes to answer (``listed_orders`` makes them rows).
_LISTED_ORDER = (
    *("id", "number", "state", "source", "location_id", "placed_at", "total"),
    *("first_name", "last_name", "email", "phone"),
)
_LISTED_FULFILMENT = (
    *("id", "type", "state", "preparation_minutes", "curbside", "table_label", "placed_at"),
    *("accepted_at", "pickup_at", "deliver_at", "arrived_at"),
)
# The annotations last, as a values_list() returns them (CompiledValues checks it).
LISTED_COLUMNS = (
    *_LISTED_ORDER,
    *(f"fulfilment__{name}" for name in _LISTED_FULFILMENT),
    *("partner_name", "partner_unknown_items"),
)


@dataclass(slots=True)
class ListedFulfilment:
    """A listed order's fulfilment: what its row and late flag read (``FulfilmentTimes``)."""

    id: int
    type: str
    state: str
    preparation_minutes: int
    curbside: bool
    table_label: str
    placed_at: datetime
    accepted_at: datetime | None
    pickup_at: datetime | None
    deliver_at: datetime | None
    arrived_at: datetime | None


@dataclass(slots=True)
class ListedOrder:
    """An order of the list (or of the reminder: no contact, no fulfilment), read as
    values. ``location`` is the caller's to attach (the page has the member's)."""

    id: int
    number: str
    state: str
    source: str
    location_id: int
    placed_at: datetime
    total: int = 0
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    partner_name: str | None = None
    partner_unknown_items: object = None
    fulfilment: ListedFulfilment | None = None
    location: Location | None = None

    @property
    def pk(self) -> int:
        return self.id


def listed_values(orders: QuerySet[Order]) -> QuerySet[Order, tuple]:
    """``orders`` (from ``orders_for_page``) as tuples of ``LISTED_COLUMNS``, to page."""
    return orders.values_list(*LISTED_COLUMNS)


def listed_orders(rows: Iterable[tuple]) -> list[ListedOrder]:
    """The rows of a page of ``listed_values``."""
    split, end = len(_LISTED_ORDER), len(_LISTED_ORDER) + len(_LISTED_FULFILMENT)
    listed = []
    for row in rows:
        order = ListedOrder(*row[:split])
        order.partner_name, order.partner_unknown_items = row[end:]
        if row[split] is not None:  # the fulfilment's id (None: a donation, an e-gift card)
            order.fulfilment = ListedFulfilment(*row[split:end])
        listed.append(order)
    return listed


class _CappedCount(Subquery):
    """How many rows its subquery gives (a LIMIT stops it), in the page's own statement:
    ``(SELECT COUNT(*) FROM (<subquery>) capped)``, computed once by PostgreSQL."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def _plain_orders(allowed: tuple[int, ...] | None, location_id: int | None) -> QuerySet[Order]:
    orders = orders_at(allowed)
    return orders if location_id is None else orders.filter(location_id=location_id)


def _plain_page_values(
    key: tuple[tuple[int, ...] | None, bool, int, int, int | None], location_id: int
) -> QuerySet[Order, tuple]:
    """A page of the plain list; with ``counted`` (the key's last item, a limit), each
    row ends with the number of orders listed, counted up to that limit."""
    allowed, by_location, offset, size, counted = key
    filters = OrderFilters(location_id=location_id if by_location else None)
    orders = _filtered(orders_at(allowed), filters)
    if counted is None:
        return listed_values(orders)[offset : offset + size]
    ids = _plain_orders(allowed, filters.location_id).order_by().values("pk")[:counted]
    return orders.annotate(counted=_CappedCount(ids)).values_list(*LISTED_COLUMNS, "counted")[
        offset : offset + size
    ]


_plain_page = CompiledValues(_plain_page_values, placeholders=(-7_913_572_468_139,))


def is_plain(filters: OrderFilters) -> bool:
    """Nothing chosen but, perhaps, the location: the page as staff leave it open."""
    return filters == OrderFilters(location_id=filters.location_id)


def _location_scope(member: TeamMember) -> tuple[int, ...] | None:
    """The member's locations as a key of compiled statements (None: every location)."""
    require(member, Permission.VIEW_ORDERS)
    allowed = visible_location_ids(member)
    return None if allowed is None else tuple(sorted(allowed))


def _plain_ids_values(
    key: tuple[tuple[int, ...] | None, bool, int], location_id: int
) -> QuerySet[Order, tuple]:
    allowed, by_location, limit = key
    return (
        _plain_orders(allowed, location_id if by_location else None)
        .order_by()
        .values_list("pk")[:limit]
    )


# The count of the plain page (up to the paginator's cap), compiled once per process
# for each set of the member's locations: the ids of at most ``limit`` orders, which
# costs less to read than a COUNT query costs to compile.
_plain_ids = CompiledValues(_plain_ids_values, placeholders=(-7_913_572_468_143,))


def plain_count(member: TeamMember, filters: OrderFilters, *, limit: int) -> int:
    """``min(limit, orders_for_page(member, filters).count())`` for plain ``filters``
    (``is_plain``)."""
    assert is_plain(filters)
    allowed = _location_scope(member)
    if allowed is not None and not allowed:
        return 0  # no location of theirs (an empty IN does not compile: no SQL)
    key = (allowed, filters.location_id is not None, limit)
    return len(_plain_ids.rows(key, filters.location_id or 0))


def plain_page(member: TeamMember, filters: OrderFilters, low: int, high: int) -> list[ListedOrder]:
    """Rows ``low`` to ``high`` of ``listed_values(orders_for_page(member, filters))``
    for plain ``filters`` (``is_plain``), read through a statement compiled once."""
    assert is_plain(filters)
    allowed = _location_scope(member)
    if high <= low or (allowed is not None and not allowed):
        return []  # an empty page, or no location of theirs (neither compiles: no SQL)
    key = (allowed, filters.location_id is not None, low, high - low, None)
    return listed_orders(_plain_page.rows(key, filters.location_id or 0))


def plain_page_counted(
    member: TeamMember, filters: OrderFilters, low: int, high: int, *, limit: int
) -> tuple[list[ListedOrder], int | None]:
    """``plain_page`` and, in the same statement, ``plain_count(..., limit=limit)``:
    None when the page has no rows (nothing carried the count)."""
    assert is_plain(filters)
    allowed = _location_scope(member)
    if allowed is not None and not allowed:
        return [], 0
    key = (allowed, filters.location_id is not None, low, high - low, limit)
    rows = _plain_page.rows(key, filters.location_id or 0)
    if not rows:
        return [], None
    return listed_orders(row[:-1] for row in rows), rows[0][-1]


def listed_page(
    member: TeamMember, filters: OrderFilters, page_rows: QuerySet[Any, tuple]
) -> list[ListedOrder]:
    """The rows of one page of ``listed_values(orders_for_page(member, filters))``
    (``page_rows``, its slice as the paginator cut it), read through a statement
    compiled once when the only filter is the location."""
    low, high = page_rows.query.low_mark, page_rows.query.high_mark
    if not is_plain(filters) or high is None:
        return listed_orders(page_rows)
    return plain_page(member, filters, low, high)


_LOCATION_FIELDS = [field.attname for field in Location._meta.concrete_fields]
_staff_locations = CompiledValues(
    lambda allowed: (
        Location.objects.all() if allowed is None else Location.objects.filter(pk__in=allowed)
    ).values_list(*_LOCATION_FIELDS),
    placeholders=(),
)


def staff_locations(member: TeamMember) -> list[Location]:
    """``list(locations_for_staff(member))`` without their opening hours, through a
    statement compiled once per process for each set of the member's locations."""
    allowed = visible_location_ids(member)
    if allowed is not None and not allowed:
        return []
    key = None if allowed is None else tuple(sorted(allowed))
    return [
        Location.from_db("default", _LOCATION_FIELDS, row) for row in _staff_locations.rows(key)
    ]


def orders_for_page(member: TeamMember, filters: OrderFilters) -> QuerySet[Order]:
    """The member's orders matching ``filters``, newest first, with their fulfilment
    and, for partner orders, ``partner_name`` and ``partner_unknown_items`` (the
    location is the caller's to attach)."""
    return _filtered(orders_visible_to(member), filters)


def _filtered(orders: QuerySet[Order], filters: OrderFilters) -> QuerySet[Order]:
    # What a row shows; not the customer record (the order carries the contact), nor
    # the location (the page has the member's locations already).
    orders = (
        orders.select_related(None)
        .select_related("fulfilment")
        .only(*_ROW_FIELDS)
        # Two columns rather than two more objects per row (most orders have no
        # partner): reading them as objects doubled the time spent loading the rows.
        .annotate(
            partner_name=F("partner_order__partner__name"),
            partner_unknown_items=F("partner_order__unknown_items"),
        )
    )
    if filters.location_id is not None:
        orders = orders.filter(location_id=filters.location_id)
    if filters.kind in _KIND_FILTERS:
        orders = orders.filter(_KIND_FILTERS[filters.kind])
    if filters.state == ACTIVE:
        orders = orders.filter(fulfilment__state__in=_ACTIVE_STATES)
    elif filters.state:
        orders = orders.filter(fulfilment__state=filters.state)
    if filters.source.startswith("partner:"):
        orders = orders.filter(partner_order__partner_id=filters.source.split(":", 1)[1])
    elif filters.source:
        orders = orders.filter(source=filters.source)
    if filters.day is not None:
        zone = timezone.get_current_timezone()
        start = datetime.combine(filters.day, time.min, tzinfo=zone)
        orders = orders.filter(placed_at__gte=start, placed_at__lt=start + timedelta(days=1))
    if filters.search.strip():
        orders = orders.alias(search_text=OrderSearchText()).filter(_search(filters.search))
    return orders.order_by("-placed_at", "-id")


def _search(text: str) -> Q:
    """An order number (exactly, by its unique index), a phone number as typed locally
    ("06 12 34 56 78", made E.164 as orders store it), four digits or more (of a phone
    or a number; the last nine count), or words (any order, accents and case ignored) found in the number, the
    contact's name, email or phone. Everything but the exact number is a "contains" on
    ``search_text``: on PostgreSQL, its trigram index (migration 0009)."""
    text = " ".join(text.split())
    query = Q(number=text)
    if text.upper() != text:
        query |= Q(number=text.upper())
    if any(ch.isdigit() for ch in text):
        try:
            return query | Q(search_text__contains=to_e164(text, get_shop().country))
        except InvalidPhone:
            pass
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4 and not any(ch.isalpha() for ch in text):
        query |= Q(search_text__contains=digits[-9:])
    words = Q()
    for word in fold_query(text).split():
        local_part = word.split("@", 1)[0]
        if "@" in word and len(local_part) >= 3:
            # The index reads the rare part of an address: the trigrams of a common
            # domain are in most orders. The whole address is checked on those rows.
            words &= Q(search_text__contains=f"{local_part}@") & Q(email__icontains=word)
        else:
            words &= Q(search_text__contains=word)
    return query | words


def order_for_page(member: TeamMember, order_id: int) -> Order:
    """One order of the member's locations with its lines, payments and customer."""
    order = (
        orders_visible_to(member)
        .select_related("partner_order__partner", "account")
        .prefetch_related("lines", "payments")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound(_("No such order, or not one of your locations."))
    return order


# The reminder lists the oldest few; the rest show as "not accepted yet" in the list.
AWAITING_SHOWN = 20


def _awaiting_values(location_ids: tuple[int, ...]) -> QuerySet[Order, tuple]:
    # ``orders_awaiting_acceptance`` (its filter, its order) without the cut-off time,
    # which the caller applies to the rows: the only value that changes between two
    # requests stays out of the statement, compiled once per set of locations.
    return (
        Order.objects.filter(
            location_id__in=location_ids, fulfilment__state=FulfilmentState.PROPOSED
        )
        .order_by("fulfilment__placed_at", "id")
        .values_list(
            *("id", "number", "state", "source", "location_id", "placed_at"),
            "fulfilment__placed_at",
        )[:AWAITING_SHOWN]
    )


_awaiting = CompiledValues(_awaiting_values, placeholders=())


def awaiting_acceptance(
    member: TeamMember, location_ids: list[int], *, now: datetime | None = None
) -> list[ListedOrder]:
    """The oldest orders not accepted in time at the given locations (already the
    member's), at most AWAITING_SHOWN, in one query whatever their number: the rows of
    ``orders_awaiting_acceptance(location_ids)``. Read oldest first without the
    cut-off, the orders placed before it are the first rows read: those are kept."""
    require(member, Permission.VIEW_ORDERS)
    if not location_ids:
        return []
    cutoff = (now or timezone.now()) - acceptance_reminder_after()
    waiting = []
    for row in _awaiting.rows(tuple(sorted(set(location_ids)))):
        if row[6] > cutoff:
            break  # this one and the newer ones were placed less than the delay ago
        waiting.append(ListedOrder(*row[:6]))
    return waiting
