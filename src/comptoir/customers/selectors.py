"""Reads about customer records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lower, StrIndex
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import Customer, CustomerKind
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.search import fold
from comptoir.errors import NotFound
from comptoir.orders.models import Order
from comptoir.orders.states import NOT_REVENUE
from comptoir.paging import PageLinks
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
    customers = visible_customers(member)
    if filters.sort in (Sort.LAST_ORDER, Sort.TOTAL_SPENT):
        # Every record has its row: an inner join lets PostgreSQL walk the spending
        # index in order and stop after a page.
        customers = customers.filter(spending__isnull=False)
    words = _search_words(filters.search)
    for n, word in enumerate(words):
        indexed = _indexed_part(word)
        customers = customers.filter(search_text__contains=indexed)
        if indexed != word:
            # The rest of the word is checked on the rows the index found.
            customers = customers.alias(**{f"word_{n}_at": StrIndex("search_text", Value(word))})
            customers = customers.filter(**{f"word_{n}_at__gt": 0})
    if filters.has_account is True:
        customers = customers.filter(user__isnull=False)
    elif filters.has_account is False:
        customers = customers.filter(user__isnull=True)
    if filters.created_from:
        customers = customers.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        customers = customers.filter(created_at__date__lte=filters.created_to)
    if filters.last_location_id:
        customers = customers.filter(spending__last_location_id=filters.last_location_id)
    if filters.kind:
        customers = customers.filter(kind=filters.kind)
    if filters.accepts_marketing is not None:
        customers = customers.filter(accepts_marketing=filters.accepts_marketing)
    if filters.pending_approval is not None:
        customers = customers.filter(pending_approval=filters.pending_approval)
    if words and filters.sort == Sort.NAME:
        # Sorted on an expression rather than the name index: with the index, PostgreSQL
        # walks names in order until 50 match, which for a common word late in the
        # alphabet means most of the table (390 ms at 200,000); this way it takes the
        # matches from the trigram index and sorts only them.
        return customers.order_by(Lower("last_name"), Lower("first_name"), "pk")
    return customers.order_by(*ORDERINGS[filters.sort])


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
    """The part of ``word`` the trigram index looks up: for an email, its local part and
    "@" ("customer1027@"), since the trigrams of a domain ("bench.example.com",
    "gmail.com") are in many records and reading them cost the index scan 40 of 50 ms
    for one full email at 200,000 records; the domain is then checked on the few rows
    found. Always a substring of ``word``, so the matches are the same."""
    local, at, domain = word.partition("@")
    if at and domain and len(local) >= 3:
        return local + at
    return word


# What a directory row shows of a record (and the messages' "new message" search: the
# mobile): not its notes, company numbers or folded search text.
DIRECTORY_ROW_FIELDS = (
    *("id", "first_name", "initials", "last_name", "email", "phone", "mobile", "erased_at"),
    *("company_name", "kind", "pending_approval", "user_id", "created_at"),
    *(
        f"spending__{name}"
        for name in ("customer", "order_count", "total_spent", "last_order_at", "last_location")
    ),
)

# Beyond this many records a directory page without a search says "more than 1,000"
# rather than counting them all (an exact count of 200,000 rows costs 50 ms per page).
COUNT_CAP = 1_000


@dataclass(frozen=True)
class DirectoryPage(PageLinks):
    """One page of the directory, with the number of matching records: exact when
    ``total_is_exact``, else at least ``total``."""

    customers: list[Customer]
    number: int
    per_page: int
    total: int
    total_is_exact: bool
    has_next: bool

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def directory_page(
    member: TeamMember, filters: DirectoryFilters, number: int, *, per_page: int
) -> DirectoryPage:
    """Page ``number`` (from 1; past the end gives the last page) of ``directory``, in
    two queries whatever the filters. A search counts its matches in the page's own
    query (a window count: the matches are all read to be sorted anyway); otherwise the
    count stops at COUNT_CAP."""
    customers = directory(member, filters)
    number = max(1, number)
    if filters.search.strip():
        # First the page's ids with the number of matches (a window count: the matches
        # are all read to be sorted anyway), carrying narrow rows through the count and
        # the sort; then those 50 records, with their spending.
        counted = customers.annotate(matches=Window(Count("pk"))).values_list("pk", "matches")
        found = list(counted[(number - 1) * per_page : number * per_page])
        if not found and number > 1:
            total = customers.count()
            number = max(1, -(-total // per_page))
            found = list(counted[(number - 1) * per_page : number * per_page])
        total = found[0][1] if found else 0
        by_id = (
            Customer.objects.select_related("spending")
            .only(*DIRECTORY_ROW_FIELDS)
            .in_bulk([pk for pk, _n in found])
        )
        rows: list[Customer] = [by_id[pk] for pk, _n in found if pk in by_id]
        exact = True
    else:
        total = customers.order_by()[: COUNT_CAP + 1].count()
        exact = total <= COUNT_CAP
        total = min(total, COUNT_CAP)
        if exact:
            number = min(number, max(1, -(-total // per_page)))
        # One more than a page: is there a next one?
        rows = list(
            customers.select_related("spending").only(*DIRECTORY_ROW_FIELDS)[
                (number - 1) * per_page : number * per_page + 1
            ]
        )
        if not rows and number > 1:  # past the end of a list longer than the cap
            return directory_page(member, filters, 1, per_page=per_page)
    has_next = len(rows) > per_page or (number * per_page < total)
    return DirectoryPage(
        customers=rows[:per_page],
        number=number,
        per_page=per_page,
        total=total,
        total_is_exact=exact,
        has_next=has_next,
    )


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
