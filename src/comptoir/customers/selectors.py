"""Reads about customer records."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lower, StrIndex
from django.db.models.lookups import Contains, PatternLookup
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.compiled_read import CompiledValues
from comptoir.customers.models import Customer, CustomerKind, CustomerSearchEntry
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.search import fold
from comptoir.errors import NotFound
from comptoir.orders.models import Order
from comptoir.orders.states import NOT_REVENUE
from comptoir.paging import PageLinks
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember


def customer_by_email(email: str) -> Customer | None:
    """The record with ``email``, ignoring case (uses the unique index on lower(email))."""
    email = (email or "").strip().lower()
    if not email:
        return None
    # The conditions of the partial unique index on lower(email), spelled out so that
    # PostgreSQL may use it (else it scans every customer: 35 ms at 200,000).
    return (
        Customer.objects.alias(email_ci=Lower("email"))
        .filter(email_ci=email, email__isnull=False)
        .exclude(email="")
        .first()
    )


# --- the back-office directory and profile -------------------------------------------
#
# Who sees what: a team member who works at every location sees every record. A member
# limited to some locations sees only the records with at least one order at one of
# their locations (a record with no order at all, e.g. a sign-up, is for the others).


class Sort(models.TextChoices):
    NAME = "name", _("Name")
    CREATED = "-created", _("Newest first")
    LAST_ORDER = "-last_order", _("Last order")
    TOTAL_SPENT = "-total_spent", _("Total spent")


ORDERINGS = {
    Sort.NAME: ("last_name", "first_name", "pk"),
    Sort.CREATED: ("-created_at", "-pk"),
    Sort.LAST_ORDER: (F("spending__last_order_at").desc(nulls_last=True), "-pk"),
    Sort.TOTAL_SPENT: ("-spending__total_spent", "-pk"),
}


@dataclass(frozen=True)
class DirectoryFilters:
    """What the directory and its CSV export filter by (later issues add fields)."""

    search: str = ""
    has_account: bool | None = None
    created_from: date | None = None
    created_to: date | None = None
    last_location_id: int | None = None
    kind: CustomerKind | None = None
    accepts_marketing: bool | None = None
    pending_approval: bool | None = None
    sort: Sort = Sort.NAME


def visible_customers(member: TeamMember) -> QuerySet[Customer]:
    customers = Customer.objects.all()
    allowed = visible_location_ids(member)
    if allowed is not None:
        customers = customers.filter(
            Exists(Order.objects.filter(customer=OuterRef("pk"), location_id__in=allowed))
        )
    return customers


def directory(member: TeamMember, filters: DirectoryFilters) -> QuerySet[Customer]:
    """The records ``member`` may see that match ``filters``, sorted. Their order columns
    (``customer.spending``: order count, total spent without cancelled orders, last order
    and its location) are kept in their own table (customers.services.order_stats), so
    sorting and filtering by them use its indexes. One query per page (plus the count)."""
    return _directory(
        visible_location_ids(member),
        _structure(filters),
        _search_terms(_search_words(filters.search)),
        filters.last_location_id,
        filters.kind,
    )


class _Like(Contains):
    """``search_text LIKE %s`` as ``search_text__contains`` writes it, but given the
    pattern whole ("%word%", escaped by ``_search_terms``), so that a statement compiled
    once (``_page_rows``) takes each search's words as its parameters."""

    def process_rhs(self, qn: Any, connection: Any) -> Any:
        return super(PatternLookup, self).process_rhs(qn, connection)


def _search_terms(words: list[str]) -> list[tuple[str, str | None]]:
    """For each word, the LIKE pattern the trigram index looks up and, when that is only
    part of the word (``_indexed_part``), the whole word checked on the rows found."""
    terms: list[tuple[str, str | None]] = []
    for word in words:
        indexed = _indexed_part(word)
        pattern = f"%{connection.ops.prep_for_like_query(indexed)}%"
        terms.append((pattern, word if indexed != word else None))
    return terms


def _structure(filters: DirectoryFilters) -> DirectoryFilters:
    """What of ``filters`` shapes the statement: the search, location and type are its
    parameters (``_directory``'s arguments) and stand apart."""
    return replace(filters, search="", last_location_id=None, kind=None)


def _directory(
    allowed: Collection[int] | None,
    filters: DirectoryFilters,
    terms: Sequence[tuple[str, str | None]],
    last_location_id: int | None,
    kind: str | None,
) -> QuerySet[Customer]:
    """``directory``'s queryset from its parts: ``allowed``, the member's locations
    (None: every one); ``filters``, the rest (its search, location and type unused)."""
    customers = Customer.objects.all()
    if allowed is not None:
        customers = customers.filter(
            Exists(Order.objects.filter(customer=OuterRef("pk"), location_id__in=allowed))
        )
    if filters.sort in (Sort.LAST_ORDER, Sort.TOTAL_SPENT):
        # Every record has its row: an inner join lets PostgreSQL walk the spending
        # index in order and stop after a page.
        customers = customers.filter(spending__isnull=False)
    customers = _matching(customers, terms)
    if filters.has_account is True:
        customers = customers.filter(user__isnull=False)
    elif filters.has_account is False:
        customers = customers.filter(user__isnull=True)
    if filters.created_from:
        customers = customers.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        customers = customers.filter(created_at__date__lte=filters.created_to)
    if last_location_id:
        customers = customers.filter(spending__last_location_id=last_location_id)
    if kind:
        customers = customers.filter(kind=kind)
    if filters.accepts_marketing is not None:
        customers = customers.filter(accepts_marketing=filters.accepts_marketing)
    if filters.pending_approval is not None:
        customers = customers.filter(pending_approval=filters.pending_approval)
    if terms and filters.sort == Sort.NAME:
        # Sorted on an expression rather than the name index: with the index, PostgreSQL
        # walks names in order until 50 match, which for a common word late in the
        # alphabet means most of the table (390 ms at 200,000); this way it takes the
        # matches from the trigram index and sorts only them.
        return customers.order_by(Lower("last_name"), Lower("first_name"), "pk")
    return customers.order_by(*ORDERINGS[filters.sort])


def _matching(rows: QuerySet[Any, Any], terms: Sequence[tuple[str, str | None]]) -> Any:
    """``rows`` (records or search entries: both have ``search_text``) that hold every
    search word of ``terms``."""
    for n, (pattern, word) in enumerate(terms):
        rows = rows.filter(_Like(F("search_text"), pattern))
        if word is not None:
            # The rest of the word is checked on the rows the index found.
            rows = rows.alias(**{f"word_{n}_at": StrIndex("search_text", Value(word))})
            rows = rows.filter(**{f"word_{n}_at__gt": 0})
    return rows


def _search_words(search: str) -> list[str]:
    """The folded words to find; a whole phone number as typed locally ("06 12 34 56 78")
    becomes the E.164 form the records store ("+33612345678")."""
    if any(c.isdigit() for c in search):
        try:
            return [to_e164(search, get_shop().country)]
        except InvalidPhone:
            pass
    return fold(search).split()


def _indexed_part(word: str) -> str:
    """The part of ``word`` the trigram index looks up; the rest of the word is checked
    on the rows found. The index reads the whole list of records holding each trigram
    of the part, so the part leaves out the trigrams most records share:

    - in a word with a run of three digits or more (a phone number, "customer1027"),
      the last five digits of its last run ("+33612345678" -> "45678"): most records
      share the trigrams of a country code and mobile prefix ("+33", "336"), and those
      of a common start ("cus", "ust"...: 3.9 ms for "customer1027" at 200,000 records,
      0.3 ms for "1027");
    - otherwise, in an email, its local part and "@" ("jeanne@"): the trigrams of a
      domain ("bench.example.com", "gmail.com") are in many records (40 of 50 ms for
      one full email at 200,000 records).

    Always a substring of ``word``, so the matches are the same."""
    digits = _DIGIT_RUNS.findall(word)
    if digits and len(digits[-1]) >= 3:
        return digits[-1][-5:]
    local, at, domain = word.partition("@")
    if at and domain and len(local) >= 3:
        return local + at
    return word


_DIGIT_RUNS = re.compile(r"[0-9]+")


# Beyond this many records a directory page without a search says "more than 1,000"
# rather than counting them all (an exact count of 200,000 rows costs 50 ms per page).
COUNT_CAP = 1_000


@dataclass(frozen=True, slots=True)
class DirectorySpending:
    """A listed record's order columns (``CustomerSpending``'s), read with it."""

    order_count: int
    total_spent: int
    last_order_at: datetime | None
    last_location_id: int | None


@dataclass(frozen=True)
class DirectoryPage(PageLinks):
    """One page of the directory, with the number of matching records: exact when
    ``total_is_exact``, else at least ``total``. ``spending``: the order columns of the
    page's records that have them, by record id."""

    customers: list[Customer]
    number: int
    per_page: int
    total: int
    total_is_exact: bool
    has_next: bool
    spending: dict[int, DirectorySpending] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# A page's rows are read as values, its statements compiled once per process (Django
# took longer to compile them than PostgreSQL to run them, and to make 100 model
# objects of the rows than to read them). The record's columns a row shows (not its
# notes, company numbers or folded search text; in the model's order, as
# ``Model.from_db`` takes them), then its spending's (NULL without a spending row).
_RECORD_COLUMNS = (
    *("id", "first_name", "initials", "last_name", "email", "pending_approval", "phone"),
    *("mobile", "kind", "company_name", "user_id", "erased_at", "created_at"),
)
_ROW_COLUMNS = (
    *_RECORD_COLUMNS,
    *(f"spending__{name}" for name in ("order_count", "total_spent", "last_order_at")),
    "spending__last_location",
)
_RECORDS = len(_RECORD_COLUMNS)

# Stand for a statement's parameters while it is compiled (values no row holds): the
# search words' LIKE patterns, the same words whole (checked after the index), the
# location and the type filtered on. A search of more words goes through the ORM.
_WORDS = 4
_PLACEHOLDERS: tuple[Any, ...] = (
    *(f"%-7913572468140-pattern-{n}%" for n in range(_WORDS)),
    *(f"-7913572468140-word-{n}" for n in range(_WORDS)),
    -7_913_572_468_140,
    "-7913572468140-kind",
)
# The records of a search's page, by id: always this many ids (unused ones are 0).
_ID_PLACEHOLDERS = tuple(-7_913_572_468_200 - n for n in range(50))


# The filters of a search and nothing else (``_structure``'s of DirectoryFilters(q=...)).
_SEARCH_ONLY = DirectoryFilters()


class _CappedCount(Subquery):
    """How many rows the subquery gives (it stops at COUNT_CAP + 1), in the page's own
    statement: ``(SELECT COUNT(*) FROM (<subquery>) capped)``."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def _page_query(
    key: tuple[Any, ...],
    terms: Sequence[tuple[str, str | None]],
    last_location_id: int | None,
    kind: str | None,
) -> QuerySet[Any, Any]:
    """A page of ``_directory`` as values. ``key``: the member's locations, the other
    filters, the search words' split, the page's slice and whether it is a search."""
    allowed, structure, _splits, low, high, searched = key[:6]
    only_searched = structure == _SEARCH_ONLY and not (last_location_id or kind)
    if searched and allowed is None and only_searched:
        # A search and nothing else, by name, for a member who sees every record: its
        # matches' ids from the narrow search table (CustomerSearchEntry), in the order
        # of ``_directory``'s searches (lower-case last name, first name, id).
        entries = _matching(CustomerSearchEntry.objects.all(), terms)
        return (
            entries.annotate(matches=Window(Count("pk")))
            .order_by("last_name_key", "first_name_key", "pk")
            .values_list("pk", "matches")[low:high]
        )
    customers = _directory(allowed, structure, terms, last_location_id, kind)
    if searched:
        # The page's ids with the number of matches (a window count: the matches are
        # all read to be sorted anyway), carrying narrow rows through the count and
        # the sort; the records are read by ``_records_by_id``.
        return customers.annotate(matches=Window(Count("pk"))).values_list("pk", "matches")[
            low:high
        ]
    capped = customers.order_by().values("pk")[: COUNT_CAP + 1]
    return customers.annotate(total=_CappedCount(capped)).values_list(*_ROW_COLUMNS, "total")[
        low:high
    ]


def _page_statement(key: tuple[Any, ...], *values: Any) -> QuerySet[Any, Any]:
    """``_page_query`` with the placeholders (``_PLACEHOLDERS``) for its parameters."""
    splits, has_location, has_kind = key[2], key[6], key[7]
    return _page_query(
        key,
        [(values[n], values[_WORDS + n] if split else None) for n, split in enumerate(splits)],
        values[2 * _WORDS] if has_location else None,
        values[2 * _WORDS + 1] if has_kind else None,
    )


_page_rows = CompiledValues(_page_statement, _PLACEHOLDERS)
_records_by_id = CompiledValues(
    lambda _key, *ids: Customer.objects.filter(pk__in=ids).values_list(*_ROW_COLUMNS),
    _ID_PLACEHOLDERS,
)


def _read_rows(
    found: Sequence[Sequence[Any]],
) -> tuple[list[Customer], dict[int, DirectorySpending]]:
    """The records of ``found`` (``_ROW_COLUMNS`` first), and their order columns."""
    customers, spending = [], {}
    for row in found:
        customers.append(Customer.from_db(DEFAULT_DB_ALIAS, _RECORD_COLUMNS, row[:_RECORDS]))
        if row[_RECORDS] is not None:
            spending[row[0]] = DirectorySpending(*row[_RECORDS : _RECORDS + 4])
    return customers, spending


def directory_page(
    member: TeamMember, filters: DirectoryFilters, number: int, *, per_page: int
) -> DirectoryPage:
    """Page ``number`` (from 1; past the end gives the last page) of ``directory``, in
    two queries whatever the filters: a search reads its page's ids and counts its
    matches (exactly, in the same statement), then reads those records; otherwise the
    page's records come with their number, counted up to COUNT_CAP."""
    number = max(1, number)
    words = _search_words(filters.search)
    allowed = visible_location_ids(member)
    terms = _search_terms(words)
    values: list[Any] = [None] * len(_PLACEHOLDERS)
    for n, (pattern, word) in enumerate(terms[:_WORDS]):
        values[n], values[_WORDS + n] = pattern, word
    values[2 * _WORDS], values[2 * _WORDS + 1] = filters.last_location_id, filters.kind
    shape = (
        None if allowed is None else tuple(sorted(allowed)),
        _structure(filters),
        tuple(word is not None for _pattern, word in terms),
    )
    rest: tuple[Any, ...] = (bool(filters.last_location_id), bool(filters.kind))
    if filters.created_from or filters.created_to:
        # Their statement names the time zone of the moment.
        rest = (*rest, timezone.get_current_timezone_name())

    def statement(number: int, searched: bool, extra: int = 0) -> list[tuple[Any, ...]]:
        low = (number - 1) * per_page
        key = (*shape, low, number * per_page + extra, searched, *rest)
        if len(terms) > _WORDS:  # more words than placeholders: through the ORM
            return list(_page_query(key, terms, filters.last_location_id, filters.kind))
        return _page_rows.rows(key, *values)

    if words:
        found = statement(number, True)
        if not found and number > 1:
            total = directory(member, filters).count()
            number = max(1, -(-total // per_page))
            found = statement(number, True)
        total = found[0][1] if found else 0
        ids = [pk for pk, _n in found]
        if len(ids) > len(_ID_PLACEHOLDERS):  # a page longer than the statement's
            read = list(Customer.objects.filter(pk__in=ids).values_list(*_ROW_COLUMNS))
        else:
            padding = [0] * (len(_ID_PLACEHOLDERS) - len(ids))
            read = _records_by_id.rows(None, *ids, *padding)
        by_id = {row[0]: row for row in read}
        customers, spending = _read_rows([by_id[pk] for pk in ids if pk in by_id])
        exact = True
    else:
        # One more than a page: is there a next one?
        found = statement(number, False, 1)
        if not found and number > 1:  # past the end: the last page, or the first
            total = directory(member, filters).order_by()[: COUNT_CAP + 1].count()
            if total > COUNT_CAP:
                return directory_page(member, filters, 1, per_page=per_page)
            return directory_page(member, filters, -(-total // per_page), per_page=per_page)
        total = found[0][-1] if found else 0
        exact = total <= COUNT_CAP
        total = min(total, COUNT_CAP)
        customers, spending = _read_rows(found)
    has_next = len(customers) > per_page or number * per_page < total
    return DirectoryPage(
        customers=customers[:per_page],
        number=number,
        per_page=per_page,
        total=total,
        total_is_exact=exact,
        has_next=has_next,
        spending=spending,
    )


_locations = CompiledValues(
    lambda allowed: (
        (Location.objects.all() if allowed is None else Location.objects.filter(pk__in=allowed))
        .order_by("position", "name")
        .values_list("id", "name")
    ),
    (),
)


def directory_locations(member: TeamMember) -> list[tuple[int, str]]:
    """The id and name of every location ``member`` works at, in the shop's order (as
    ``catalog.selectors.locations_for_staff``): the directory's location filter and
    its rows' last order location. Its statement compiled once per process for each
    set of locations."""
    allowed = visible_location_ids(member)
    if allowed is not None and not allowed:
        return []
    return [(pk, name) for pk, name in _locations.rows(allowed and tuple(sorted(allowed)))]


@dataclass(frozen=True)
class OrderTotals:
    count: int
    revenue_count: int  # not cancelled
    total_spent: int
    average: int
    first_at: datetime | None
    last_at: datetime | None


def customer_for_staff(member: TeamMember, customer_id: int) -> Customer:
    customer = visible_customers(member).select_related("user").filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No such customer."))
    return customer


def customer_orders(customer: Customer) -> QuerySet[Order]:
    """Every order of the record (guest, signed in, counter), newest first."""
    return customer.orders.select_related("location").order_by("-placed_at", "-pk")


def order_totals(customer: Customer) -> OrderTotals:
    every = customer.orders.aggregate(
        count=Count("pk"), first_at=Min("placed_at"), last_at=Max("placed_at")
    )
    revenue = customer.orders.exclude(NOT_REVENUE).aggregate(
        count=Count("pk"), total=Coalesce(Sum("total"), 0)
    )
    return OrderTotals(
        count=every["count"],
        revenue_count=revenue["count"],
        total_spent=revenue["total"],
        average=revenue["total"] // revenue["count"] if revenue["count"] else 0,
        first_at=every["first_at"],
        last_at=every["last_at"],
    )
