"""Merging two records of the same person (e.g. a phone-only record made at the counter
and the record of their online orders) into one: the merged record's orders, account,
saved things, addresses, notes, consent history and timeline move to the kept record,
which then holds everything, and the merged record is deleted.

``FOLLOWERS`` is the one list of the rows that simply follow a customer record: a later
app that stores something per customer (messages, SMS consent...) adds its model there,
and ``merge_customers`` moves its rows with the others. The rows with a rule of their
own (the record's fields, CRM addresses, notes, consent, the login) are handled in
``merge_customers`` itself. Rows that point to the login (carts, terms accepted, the
account's orders) need nothing: the login itself moves."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounts.models import (
    ContactEmail,
    ContactPhone,
    GatewayCustomer,
    SavedAddress,
    SavedCard,
)
from comptoir.appointments.models import Appointment
from comptoir.consent.models import ConsentRecord, TextSubscription
from comptoir.coupons.models import Coupon
from comptoir.customers.events import record_event
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    CustomerEvent,
    CustomerKind,
    EventKind,
    MarketingConsentChange,
)
from comptoir.customers.selectors import visible_customers
from comptoir.customers.services.order_stats import recount_orders
from comptoir.errors import Conflict, DomainError, NotFound
from comptoir.giftcards.models import GiftCard
from comptoir.messaging.models import Conversation
from comptoir.messaging.personal_data import move_to as move_messages
from comptoir.orders.models import Order, PaymentLink
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

BOTH_HAVE_ACCOUNTS = gettext_lazy(
    "Both records have an account; the customer must delete one before they can be merged."
)


@dataclass(frozen=True)
class Follower:
    """Rows of ``model`` that belong to a customer record through ``field`` and move to
    the kept record on a merge."""

    model: type[models.Model]
    field: str = "customer"
    # With the customer, these fields are unique: a merged row equal to one of the kept
    # record's on them is dropped (the kept record already holds that value).
    same_if: tuple[str, ...] = ()
    # A flag only one row per customer may carry (the primary one): the kept record's
    # stays primary, the merged one's rows come as secondary ones.
    primary_flag: str | None = None


FOLLOWERS: list[Follower] = [
    Follower(Order),
    Follower(SavedAddress, primary_flag="is_primary"),
    Follower(ContactPhone, same_if=("number",), primary_flag="is_primary"),
    Follower(ContactEmail, same_if=("email",), primary_flag="is_primary"),
    Follower(SavedCard, primary_flag="is_primary"),
    # Only an account has these and two accounts are never merged, so two references at
    # the same gateway account cannot meet; the kept one would win.
    Follower(GatewayCustomer, same_if=("gateway", "gateway_account")),
    Follower(MarketingConsentChange),
    Follower(CustomerEvent),
    Follower(GiftCard),
    Follower(PaymentLink),  # counter orders waiting to be paid by card
    Follower(ConsentRecord),
    Follower(TextSubscription),
    Follower(Coupon),
    Follower(Conversation),  # emptied first by messaging.personal_data.move_to
    Follower(Appointment),
]

# Blank on the kept record: filled from the merged one (the kept record's values win).
FILLED_FIELDS = (
    "first_name",
    "initials",
    "last_name",
    "email",
    "language",
    "gender",
    "birth_date",
    "company_name",
    "company_id_number",
    "chamber_of_commerce_number",
    "vat_id",
)


# Set by every merge, besides the filled fields.
SAVED_FIELDS = (
    "notes",
    "user",
    "pending_approval",
    "account_deleted_at",
    "accepts_marketing",
    "shipping_same_as_billing",
    "search_text",
    "updated_at",
)


def default_kept(first: Customer, second: Customer) -> Customer:
    """Which of two records a merge keeps unless the member chooses: the one with an
    account, else the one with an email, else the older one."""

    def rank(customer: Customer) -> tuple[bool, bool, object, int]:
        return (
            customer.user_id is None,
            not customer.email,
            customer.created_at,
            customer.pk,
        )

    return min((first, second), key=rank)


def merge_refusal(kept: Customer, merged: Customer) -> str | None:
    """Why these two records cannot be merged (shown before the member confirms)."""
    if kept.pk == merged.pk:
        return _("A record cannot be merged with itself.")
    if kept.user_id is not None and merged.user_id is not None:
        return str(BOTH_HAVE_ACCOUNTS)
    if kept.erased_at or merged.erased_at:
        # Its orders would be tied to a person again.
        return _("An erased record cannot be merged.")
    return None


def merge_customers(*, actor: TeamMember, kept_id: int, merged_id: int) -> Customer:
    """Move everything of record ``merged_id`` to record ``kept_id``, then delete the
    merged record; both must be visible to ``actor`` (``NotFound`` otherwise). Refused
    (``Conflict``, nothing changed) when both records have an account or one was erased.
    Returns the kept record."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    if kept_id == merged_id:
        raise DomainError(_("A record cannot be merged with itself."), code="same_record")
    with transaction.atomic():
        locked = _lock_in_order(kept_id, merged_id)
        visible = set(
            visible_customers(actor).filter(pk__in=list(locked)).values_list("pk", flat=True)
        )
        if len(locked) != 2 or visible != set(locked):
            raise NotFound(_("No such customer."))
        kept, merged = locked[kept_id], locked[merged_id]
        refusal = merge_refusal(kept, merged)
        if refusal:
            raise Conflict(refusal)
        was_accepting = kept.accepts_marketing

        # One conversation per customer: the merged one's messages join the kept one's
        # first, so that the Conversation follower below finds none left to move.
        move_messages(kept, merged)
        for follower in FOLLOWERS:
            _move(follower, kept=kept, merged=merged)
        _move_record_addresses(kept=kept, merged=merged)
        filled = _fill_blank_fields(kept=kept, merged=merged)
        kept.notes = _joined_notes(kept=kept, merged=merged)
        if kept.user_id is None and merged.user_id is not None:
            # The login and what hangs on it (carts, terms, its orders) come along; whether
            # it may sign in is the merged record's state.
            kept.user_id = merged.user_id
            kept.pending_approval = merged.pending_approval
            kept.account_deleted_at = None
        elif kept.user_id is None and kept.account_deleted_at is None:
            kept.account_deleted_at = merged.account_deleted_at
        latest = (
            MarketingConsentChange.objects.filter(customer=kept)
            .order_by("-changed_at", "-pk")
            .first()
        )
        if latest is not None:
            kept.accepts_marketing = latest.accepts

        # The merged record goes first: its email and login are then free for the kept one
        # (both are unique). What did not move (addresses of a role the kept record has,
        # duplicate contact rows) goes with it.
        Customer.objects.filter(pk=merged.pk).delete()
        kept.search_text = kept.computed_search_text()
        # Only what a merge sets, so that columns kept by other services stay theirs.
        kept.save(update_fields=[*SAVED_FIELDS, *filled])
        # The directory's order columns (count, total spent, last order), from the orders.
        recount_orders([kept.pk])
        if kept.accepts_marketing != was_accepting:
            MarketingConsentChange.objects.create(
                customer=kept,
                accepts=kept.accepts_marketing,
                source=ConsentSource.MERGE,
                changed_by=actor,
            )
        record_event(
            kept, EventKind.MERGED, actor=actor, merged_id=merged_id, fields=sorted(filled)
        )
    return kept


def _lock_in_order(*ids: int) -> dict[int, Customer]:
    """Lock the records' rows one by one, lowest id first, so two merges (or a merge and
    an edit) of the same records wait for each other instead of deadlocking."""
    locked: dict[int, Customer] = {}
    for pk in sorted(set(ids)):
        customer = Customer.objects.select_for_update().filter(pk=pk).first()
        if customer is not None:
            locked[pk] = customer
    return locked


def _move(follower: Follower, *, kept: Customer, merged: Customer) -> None:
    manager = follower.model._default_manager
    field = follower.field
    rows = manager.filter(**{field: merged})
    if follower.same_if:
        kept_values = manager.filter(**{field: kept}).values_list(*follower.same_if)
        for values in kept_values:
            rows.filter(**dict(zip(follower.same_if, values, strict=True))).delete()
    flag = follower.primary_flag
    if flag and manager.filter(**{field: kept, flag: True}).exists():
        rows.update(**{flag: False})
    rows.update(**{field: kept})


def _move_record_addresses(*, kept: Customer, merged: Customer) -> None:
    """The kept record's own CRM addresses win; the merged one's fill the roles it lacks.
    A kept record whose shipping is "same as billing" keeps that choice."""
    kept_roles = set(kept.record_addresses.values_list("role", flat=True))
    taken = []
    if AddressRole.BILLING not in kept_roles:
        taken.append(AddressRole.BILLING)
    if AddressRole.SHIPPING not in kept_roles and (
        AddressRole.BILLING not in kept_roles or not kept.shipping_same_as_billing
    ):
        taken.append(AddressRole.SHIPPING)
    moved = CustomerAddress.objects.filter(customer=merged, role__in=taken)
    if moved.filter(role=AddressRole.SHIPPING).exists():
        kept.shipping_same_as_billing = False
    moved.update(customer=kept)


def _fill_blank_fields(*, kept: Customer, merged: Customer) -> list[str]:
    """Fill the kept record's blank fields from the merged one; the names of the fields
    filled (for the timeline, without their values)."""
    filled = []
    for name in FILLED_FIELDS:
        value = getattr(merged, name)
        if value and not getattr(kept, name):
            setattr(kept, name, value)
            filled.append(name)
    # Phones: a number the kept record already has is not copied to its other field.
    numbers = {kept.phone, kept.mobile} - {""}
    for name in ("phone", "mobile"):
        value = getattr(merged, name)
        if value and not getattr(kept, name) and value not in numbers:
            setattr(kept, name, value)
            numbers.add(value)
            filled.append(name)
    if merged.kind == CustomerKind.BUSINESS and kept.kind != CustomerKind.BUSINESS:
        kept.kind = CustomerKind.BUSINESS
        filled.append("kind")
    return filled


def _joined_notes(*, kept: Customer, merged: Customer) -> str:
    if not merged.notes.strip():
        return kept.notes
    separator = _("— Notes of record #%(number)s (created %(created)s), merged on %(merged)s —") % {
        "number": merged.pk,
        "created": timezone.localdate(merged.created_at).isoformat(),
        "merged": timezone.localdate().isoformat(),
    }
    parts = [kept.notes.rstrip(), separator, merged.notes.strip()]
    return "\n".join(part for part in parts if part)
