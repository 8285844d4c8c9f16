"""The rule saved addresses, phone numbers, additional emails and cards share: a
shopper has at most one primary row of each kind (also enforced by a partial unique
constraint), the first one added becomes it, and when the primary one is deleted the
oldest remaining one takes its place. Each helper runs inside its caller's transaction,
on rows read after the customer was locked (``locked_rows``), so two changes at once
agree on which row is primary."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet
from django.utils.functional import Promise

from comptoir.accounts.locks import lock_customer
from comptoir.accounts.models import ContactEmail, ContactPhone, SavedAddress, SavedCard
from comptoir.customers.models import Customer
from comptoir.errors import NotFound

Row = TypeVar("Row", SavedAddress, ContactPhone, ContactEmail, SavedCard)


def locked_rows(model: type[Row], customer: Customer) -> QuerySet[Row]:
    """Locks the customer, then the customer's rows of ``model``."""
    lock_customer(customer)
    return model.objects.filter(customer=customer)


def find(rows: QuerySet[Row], pk: int, message: Promise) -> Row:
    """The customer's row, or ``NotFound`` with the caller's message."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


def claim_primary(rows: QuerySet[Row], *, wanted: bool) -> bool:
    """Whether a row about to be added is primary: when asked, or when none is yet. The
    current primary row gives way first."""
    primary = wanted or not rows.filter(is_primary=True).exists()
    if primary:
        rows.filter(is_primary=True).update(is_primary=False)
    return primary


def make_primary(rows: QuerySet[Row], row: Row) -> None:
    """Makes ``row`` (one of ``rows``) the primary one."""
    if not row.is_primary:
        rows.filter(is_primary=True).update(is_primary=False)
        row.is_primary = True
        row.save(update_fields=["is_primary"])


def promote_successor(rows: QuerySet[Row]) -> Row | None:
    """After the primary row was deleted: the oldest of ``rows`` becomes primary."""
    successor = rows.order_by("id").first()
    if successor is not None:
        successor.is_primary = True
        successor.save(update_fields=["is_primary"])
    return successor
