"""Changes to customer records. Orders find or create their customer here; staff
edits (profiles, merge, erasure) come with the customers pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.compiled_insert import insert
from comptoir.compiled_read import CompiledRead
from comptoir.customers.models import Customer
from comptoir.customers.phones import to_e164
from comptoir.customers.services.order_stats import start_spending
from comptoir.errors import DomainError
from comptoir.shop.selectors import get_shop
from comptoir.users.models import Language

# The fields an order may fill in on an existing record (only when blank there).
FILLABLE = ("first_name", "last_name", "phone", "language")


def normalise_email(email: str | None) -> str:
    """Stripped and lower-cased ("" for none); raises DomainError when malformed."""
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                _("“%(address)s” is not an email address.") % {"address": email},
                code="invalid_email",
            ) from None
    return email


# The record with an email, ignoring case: ``customers.selectors.customer_by_email``'s
# statement (the conditions of the partial unique index on lower(email), so that
# PostgreSQL uses it), compiled once per process: every placed order asks.
_customer_with_email = CompiledRead(
    lambda email: (
        Customer.objects.alias(email_ci=Lower("email"))
        .filter(email_ci=email, email__isnull=False)
        .exclude(email="")
    ),
    placeholder="compiled-read-placeholder@customer.invalid",
)


def find_or_create_for_order(
    *,
    email: str | None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    language: str = "",
    region: str | None = None,
) -> Customer:
    """The customer an order belongs to: the record with this email (ignoring case),
    its blank details filled from the order, or a new record. Without an email, always
    a new record. Safe when two checkouts with the same new email run at once: the
    unique constraint lets one insert win and the other then finds that record."""
    email = normalise_email(email)
    values = {
        "first_name": (first_name or "").strip()[:100],
        "last_name": (last_name or "").strip()[:100],
        "phone": to_e164(phone, region if region is not None else get_shop().country),
        "language": language if language in Language.values else "",
    }
    if not email:
        return _create(email=None, values=values)
    # No savepoint of its own: the one around the insert below is what an error needs.
    with transaction.atomic(savepoint=False):
        # Two passes: the second runs after losing an insert race, when the winner's
        # row has committed (PostgreSQL makes the loser wait for it) and is visible.
        for _attempt in range(2):
            customer = _customer_with_email.first(email)
            if customer is not None:
                _fill_blanks(customer, values)
                return customer
            try:
                with (
                    transaction.atomic()
                ):  # a savepoint: the IntegrityError leaves the outer one usable
                    return _create(email=email, values=values)
            except IntegrityError:
                continue
    raise DomainError(
        _("Could not save the customer record, please try again."), code="customer_conflict"
    )


def _create(*, email: str | None, values: dict[str, str]) -> Customer:
    customer = Customer(email=email, **values)
    customer.search_text = customer.computed_search_text()
    insert(customer)
    start_spending(customer)
    return customer


def _fill_blanks(customer: Customer, values: dict[str, str]) -> None:
    """Fill what the record lacks, never overwriting what it has. One conditional UPDATE,
    so a detail another checkout wrote meanwhile is kept too."""
    missing = {
        field: value for field, value in values.items() if value and not getattr(customer, field)
    }
    if not missing:
        return
    Customer.objects.filter(pk=customer.pk).update(
        **{
            field: Case(When(**{field: ""}, then=Value(value)), default=F(field))
            for field, value in missing.items()
        },
        updated_at=timezone.now(),
    )
    customer.refresh_from_db(fields=[*FILLABLE, "updated_at"])
    refresh_search_text(customer)


def refresh_search_text(customer: Customer) -> None:
    """Recompute the directory's folded search text after a bulk ``update()`` of the
    record's names, email or phone (records are created with it by ``_create``)."""
    text = customer.computed_search_text()
    if text != customer.search_text:
        Customer.objects.filter(pk=customer.pk).update(search_text=text)
        customer.search_text = text
