"""Reads of text consent, for the customer profile and the attestation dialog."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Q, QuerySet, Value, When

from comptoir.consent.models import (
    ConsentAction,
    ConsentRecord,
    ConsentSource,
    Purpose,
    ReceivedText,
    TextSubscription,
)
from comptoir.customers.models import Customer
from comptoir.orders.models import Order


def waiting_texts(numbers: Iterable[str]) -> QuerySet[ReceivedText]:
    """The inbound texts from these numbers the worker has not applied yet, oldest first."""
    return ReceivedText.objects.filter(
        from_number__in=[number for number in numbers if number], applied_at__isnull=True
    ).order_by("id")


def numbers_of(customer: Customer) -> set[str]:
    """Every number the customer texts from: those on the record and those subscribed."""
    numbers = {customer.phone, customer.mobile}
    numbers.update(
        TextSubscription.objects.filter(customer=customer).values_list("number", flat=True)
    )
    return {str(number) for number in numbers if number}


def consent_history(customer: Customer) -> QuerySet[ConsentRecord]:
    """Every grant and withdrawal, newest first, with the team member who acted."""
    return (
        ConsentRecord.objects.filter(customer=customer)
        .select_related("staff__user", "order")
        .order_by("-at", "-id")
    )


def subscriptions_of(customer: Customer) -> QuerySet[TextSubscription]:
    return TextSubscription.objects.filter(customer=customer).order_by("number")


def customer_of_number(e164: str) -> Customer | None:
    """The customer an inbound text from ``e164`` is from, with their conversation, in
    one query: the record with it as mobile (preferred) or phone, the oldest first."""
    if not e164:
        return None
    return (
        Customer.objects.filter(Q(mobile=e164) | Q(phone=e164), erased_at__isnull=True)
        .select_related("conversation")
        .order_by(Case(When(mobile=e164, then=Value(0)), default=Value(1)), "pk")
        .first()
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the profile's consent history: a ConsentRecord, or the checkout box
    of an order that has no record of its own."""

    at: datetime
    address: str
    purpose: str
    action: str
    source: str
    how: str
    by_staff: str  # the team member's name, "" when the customer acted
    request_text: str
    reply_text: str
    provider_message_id: str
    order_number: str


def consent_history_entries(customer: Customer) -> list[HistoryEntry]:
    """Every grant and withdrawal, newest first (two queries)."""
    entries = []
    recorded_orders = set()
    for record in consent_history(customer):
        recorded_orders.add(record.order_id)
        how = record.get_how_obtained_display() if record.how_obtained else ""
        if record.how_obtained_detail:
            how = f"{how}: {record.how_obtained_detail}"
        staff = record.staff.user if record.staff is not None else None
        entries.append(
            HistoryEntry(
                at=record.at,
                address=record.address,
                purpose=record.get_purpose_display(),
                action=record.get_action_display(),
                source=record.get_source_display(),
                how=how,
                by_staff=(staff.full_name or staff.email) if staff is not None else "",
                request_text=record.request_text,
                reply_text=record.reply_text,
                provider_message_id=record.provider_message_id,
                order_number=record.order.number if record.order is not None else "",
            )
        )
    checkout_boxes = (
        Order.objects.filter(customer=customer, sms_consent=True)
        .exclude(phone="")
        .only("pk", "number", "phone", "sms_consent_text", "sms_consent_at", "placed_at")
    )
    for order in checkout_boxes:
        if order.pk in recorded_orders:
            continue
        entries.append(
            HistoryEntry(
                at=order.sms_consent_at or order.placed_at,
                address=order.phone,
                purpose=str(Purpose.TRANSACTIONAL.label),
                action=str(ConsentAction.GRANT.label),
                source=str(ConsentSource.WEB_FORM.label),
                how="",
                by_staff="",
                request_text=order.sms_consent_text,
                reply_text="",
                provider_message_id="",
                order_number=order.number,
            )
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
