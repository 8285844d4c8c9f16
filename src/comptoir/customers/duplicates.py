"""Suggested pairs of records that may be the same person, for the back office to review
and merge (customers.services.merging): records sharing a phone number (the phone or
mobile of one equal to the phone or mobile of the other), or with the same name (folded:
"Hélène Martin" is "helene martin") and the same postal code (of a CRM billing/shipping
address or of an address saved in the account).

The shared values are found by the database (GROUP BY ... HAVING COUNT > 1 over every
record the member may see), at most ``MAX_KEYS`` of each kind; then the records holding
them are read, and at most ``MAX_PAIRS`` pairs returned. Five queries whatever the
number of customers.

Measured on PostgreSQL with 200,000 records and as many addresses, on the 2-core bench
machine while others worked on it: the numbers' query 0.2-0.3 s (it walks the phone and
mobile indexes and stops at its limit; the phone-of-one/mobile-of-another part scans),
the name + postal code query 0.8-1 s (a join of every named record with its addresses,
grouped). Enough for a page a manager opens now and then; if it must be faster, store
the folded name on the record and index (postal code, folded name) on the addresses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length, Replace, Substr, Upper

from comptoir.customers.models import Customer
from comptoir.customers.search import fold
from comptoir.customers.selectors import visible_customers
from comptoir.team.models import TeamMember

MAX_PAIRS = 100
# Shared numbers, and shared name + postal code, looked at per kind.
MAX_KEYS = 100
# Records read per kind, at most.
MAX_CANDIDATES = 1000
# A number on more records than this is not one person's (the shop's own, typed at the
# counter, or a company switchboard): not suggested, nor read.
MAX_RECORDS_PER_NUMBER = 10


@dataclass
class DuplicatePair:
    first: Customer  # the lower id
    second: Customer
    phones: list[str] = field(default_factory=list)  # numbers both records have
    postal_codes: list[str] = field(default_factory=list)  # with the same name

    @property
    def records(self) -> tuple[Customer, Customer]:
        return (self.first, self.second)


def duplicate_pairs(member: TeamMember) -> list[DuplicatePair]:
    """Pairs of records visible to ``member`` that may be the same person, those sharing
    a phone number first."""
    visible = visible_customers(member)
    by_number = _records_sharing_numbers(visible)
    by_name = _records_sharing_name_and_postcode(visible)
    ids = {pk for group in (*by_number.values(), *by_name.values()) for pk in group}
    customers = Customer.objects.in_bulk(ids) if ids else {}

    pairs: dict[tuple[int, int], DuplicatePair] = {}

    def add(group: Iterable[int]) -> Iterable[DuplicatePair]:
        # Each record with the first one: enough to merge them all, without the
        # n * (n - 1) / 2 pairs of a number shared by many records.
        first, *others = sorted(pk for pk in group if pk in customers)
        for other in others:
            key = (first, other)
            if key not in pairs:
                pairs[key] = DuplicatePair(customers[first], customers[other])
            yield pairs[key]

    for number, group in by_number.items():
        for pair in add(group):
            pair.phones.append(number)
    for (_name, postal_code), group in by_name.items():
        # The database grouped by the stored search text: confirm with the names.
        names: dict[str, list[int]] = defaultdict(list)
        for pk in group:
            if pk in customers:
                names[_folded_name(customers[pk])].append(pk)
        for same in names.values():
            if len(same) > 1:
                for pair in add(same):
                    pair.postal_codes.append(postal_code)
    return list(pairs.values())[:MAX_PAIRS]


def _folded_name(customer: Customer) -> str:
    return fold(f"{customer.first_name} {customer.last_name}")


def _shared_keys(union: QuerySet, *, owner: str, keys: tuple[str, ...]) -> list[tuple]:
    """The values of ``keys`` that at least two different records hold among the rows
    of ``union`` (a UNION of querysets with the columns ``owner`` and ``keys``)."""
    sql, params = union.query.sql_with_params()
    key_list = ", ".join(f"t.{connection.ops.quote_name(key)}" for key in keys)
    owner_column = f"t.{connection.ops.quote_name(owner)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key_list} FROM ({sql}) t GROUP BY {key_list} "  # noqa: S608 (columns are ours)
            f"HAVING MIN({owner_column}) <> MAX({owner_column}) ORDER BY {key_list} LIMIT %s",
            (*params, MAX_KEYS),
        )
        return [tuple(row) for row in cursor.fetchall()]


# --- phones --------------------------------------------------------------------------


def _numbers_on_two_records(visible: QuerySet[Customer]) -> list[str]:
    """Numbers that two records hold: as phone, as mobile, or as the phone of one and the
    mobile of the other; the first ``MAX_KEYS`` of each, in one query. Each part walks
    the index on its column in order and stops at its limit."""
    parts = []
    for column in ("phone", "mobile"):
        parts.append(
            visible.exclude(**{column: ""})
            .values(column)
            .annotate(records=Count("*"))
            .filter(records__gt=1, records__lte=MAX_RECORDS_PER_NUMBER)
            .order_by(column)
            .values_list(column, flat=True)
        )
    # The phone of one record and the mobile of another: a mobile that is not its own
    # record's phone belongs to a record other than those with that phone.
    parts.append(
        visible.exclude(phone="")
        .order_by()
        .values_list("phone", flat=True)
        .intersection(
            visible.exclude(mobile="")
            .exclude(mobile=F("phone"))
            .order_by()
            .values_list("mobile", flat=True)
        )
    )
    sql_parts, params = [], []
    for n, part in enumerate(parts):
        sql, part_params = part[:MAX_KEYS].query.sql_with_params()
        sql_parts.append(f"SELECT * FROM ({sql}) part{n}")  # noqa: S608 (our own SQL)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(sql_parts), params)
        return sorted({row[0] for row in cursor.fetchall()})


def _records_sharing_numbers(visible: QuerySet[Customer]) -> dict[str, set[int]]:
    numbers = _numbers_on_two_records(visible)
    if not numbers:
        return {}
    groups: dict[str, set[int]] = defaultdict(set)
    rows = (
        visible.filter(Q(phone__in=numbers) | Q(mobile__in=numbers))
        .order_by("pk")
        .values_list("pk", "phone", "mobile")[:MAX_CANDIDATES]
    )
    wanted = set(numbers)
    for pk, phone, mobile in rows:
        for number in {phone, mobile} & wanted:
            groups[number].add(pk)
    return {
        number: group
        for number, group in sorted(groups.items())
        if 1 < len(group) <= MAX_RECORDS_PER_NUMBER
    }


# --- name and postal code ------------------------------------------------------------


def _name_key() -> Substr:
    """The folded "first last" name: the start of the record's search text, which begins
    with the folded first and last names (customers.search.search_text_for)."""
    first = Length("first_name")
    last = Length("last_name")
    length = Case(
        When(first_name="", then=last),
        When(last_name="", then=first),
        default=first + last + 1,
        output_field=IntegerField(),
    )
    return Substr("search_text", 1, length)


def _names_and_postcodes(visible: QuerySet[Customer], **filters: object) -> QuerySet:
    """(record, folded name, postal code) for each CRM address and each saved address of
    the named records in ``visible``; postal codes without spaces, in capitals."""
    parts = [
        visible.exclude(first_name="", last_name="")
        .annotate(
            owner=F("pk"),
            name_key=_name_key(),
            postcode=Upper(Replace(F(f"{relation}__postal_code"), Value(" "), Value(""))),
        )
        .filter(postcode__gt="", **filters)
        .order_by()
        .values_list("owner", "name_key", "postcode")
        # The CRM's billing/shipping addresses, and those the shopper saved.
        for relation in ("record_addresses", "saved_addresses")
    ]
    return parts[0].union(parts[1], all=True)


def _records_sharing_name_and_postcode(
    visible: QuerySet[Customer],
) -> dict[tuple[str, str], set[int]]:
    keys = _shared_keys(_names_and_postcodes(visible), owner="owner", keys=("name_key", "postcode"))
    if not keys:
        return {}
    wanted = set(keys)
    rows = _names_and_postcodes(
        visible,
        name_key__in={name for name, _ in keys},
        postcode__in={postcode for _, postcode in keys},
    )[:MAX_CANDIDATES]
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for owner, name_key, postcode in rows:
        if (name_key, postcode) in wanted:
            groups[(name_key, postcode)].add(owner)
    return {key: group for key, group in sorted(groups.items()) if len(group) > 1}
