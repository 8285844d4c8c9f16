"""The timeline of a customer record on its back-office profile: the record's own events
(customers.models.CustomerEvent), its orders and the emails sent to its addresses,
merged newest first. Three queries whatever the record holds, each limited to the
latest entries, so that a record with years of orders opens as fast as a new one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import AddressRole, Customer, CustomerEvent, EventKind
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Order
from comptoir.team.models import TeamMember

TIMELINE_LIMIT = 100

# What an EDITED / IMPORTED event's "fields" codes are called on the page (the record's
# fields by their own labels, the addresses by their roles).
_ADDRESS_CHANGES = {
    f"{AddressRole.BILLING}_address": AddressRole.BILLING.label,
    f"{AddressRole.SHIPPING}_address": AddressRole.SHIPPING.label,
}


class EntryKind:
    EVENT = "event"
    ORDER = "order"
    EMAIL = "email"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # EntryKind
    label: str | Promise
    actor: TeamMember | None = None
    # EVENT: the labels of the fields an edit changed; ORDER / EMAIL: the row itself.
    fields: list[str | Promise] = field(default_factory=list)
    event: CustomerEvent | None = None
    order: Order | None = None
    email: OutgoingEmail | None = None


def field_label(code: str) -> str | Promise:
    if code in _ADDRESS_CHANGES:
        return _ADDRESS_CHANGES[code]
    try:
        model_field = Customer._meta.get_field(code)
    except FieldDoesNotExist:  # renamed since the event was written: show its code
        return code
    return getattr(model_field, "verbose_name", code)


def email_addresses(customer: Customer) -> list[str]:
    """The record's email and its login's, if different (lower case)."""
    addresses = {(customer.email or "").strip().lower()}
    if customer.user is not None:
        addresses.add(customer.user.email.strip().lower())
    return sorted(address for address in addresses if address)


def timeline(customer: Customer, *, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """The latest ``limit`` entries, newest first. ``customer.user`` is read (select it
    with the record to save a query)."""
    entries: list[TimelineEntry] = []
    events = (
        CustomerEvent.objects.filter(customer=customer)
        .select_related("actor__user")
        .order_by("-at", "-pk")[:limit]
    )
    for event in events:
        codes = event.detail.get("fields", []) if isinstance(event.detail, dict) else []
        entries.append(
            TimelineEntry(
                at=event.at,
                kind=EntryKind.EVENT,
                label=EventKind(event.kind).label if event.kind in EventKind.values else event.kind,
                actor=event.actor,
                fields=[field_label(code) for code in codes],
                event=event,
            )
        )
    orders = Order.objects.filter(customer=customer).order_by("-placed_at", "-pk")[:limit]
    for order in orders.only("number", "total", "currency", "placed_at", "state"):
        entries.append(
            TimelineEntry(
                at=order.placed_at, kind=EntryKind.ORDER, label=_("Order placed"), order=order
            )
        )
    addresses = email_addresses(customer)
    if addresses:
        emails = (
            OutgoingEmail.objects.alias(to_ci=Lower("to_address"))
            .filter(to_ci__in=addresses)
            .only("subject", "kind", "to_address", "created_at", "status")
            .order_by("-created_at", "-pk")[:limit]
        )
        for email in emails:
            entries.append(
                TimelineEntry(
                    at=email.created_at, kind=EntryKind.EMAIL, label=_("Email"), email=email
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
