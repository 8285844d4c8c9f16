"""What the customer export, erasure and merge do with text consent (wired by
``customers``: this module only answers for the consent app).

- ``consent_of``: the numbers' subscription states (with the double opt-in's steps, times
  and texts) and every consent record, for the JSON export.
- ``erase_for``: deletes both; an opted-out number (and an email address whose last
  word was a withdrawal from promotional email) first goes on the suppression list as a
  keyed hash, so the opt-out holds if it comes back on another record
  (``consent.rules.suppressed_since``). Call it before the record's email is blanked.
- ``move_to``: the merged record's subscriptions and records now belong to the kept one.

Inbound texts from the customer's numbers still waiting for the worker (seconds, as a
rule) are in the export, and erasure blanks them (their ids stay, so a retried webhook is
not applied); a merge leaves them, since they follow the number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from comptoir.consent.models import (
    ConsentChannel,
    ConsentRecord,
    SuppressedAddress,
    TextSubscription,
)
from comptoir.consent.rules import suppression_digest
from comptoir.consent.selectors import numbers_of, waiting_texts
from comptoir.customers.models import Customer

SUBSCRIPTION_FIELDS = (
    "number",
    "opted_out_at",
    "opted_in_at",
    "last_inbound_at",
    "attested_at",
    "marketing_state",
    "first_request_at",
    "first_request_text",
    "first_reply_at",
    "first_reply_text",
    "second_request_at",
    "second_request_text",
    "confirmed_at",
    "confirmed_reply_text",
)
RECORD_FIELDS = (
    "address",
    "channel",
    "purpose",
    "action",
    "source",
    "how_obtained",
    "how_obtained_detail",
    "by_customer",
    "order_id",
    "at",
    "request_text",
    "reply_text",
    "provider_message_id",
)


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def consent_of(customer: Customer) -> dict[str, list[dict[str, Any]]]:
    subscriptions = TextSubscription.objects.filter(customer=customer).order_by("number")
    records = ConsentRecord.objects.filter(customer=customer).order_by("at", "id")
    waiting = waiting_texts(numbers_of(customer)).values_list(
        "from_number", "body", "media", "received_at"
    )
    return {
        "texts_waiting": [
            # ``media``: the picture message's [url, content type] pairs at the provider.
            {"number": number, "body": body, "media": media, "received_at": _value(received_at)}
            for number, body, media, received_at in waiting
        ],
        "subscriptions": [
            {name: _value(getattr(sub, name)) for name in SUBSCRIPTION_FIELDS}
            for sub in subscriptions
        ],
        "records": [
            {
                **{name: _value(getattr(record, name)) for name in RECORD_FIELDS},
                "by_shop": record.staff_id is not None,
            }
            for record in records
        ],
    }


def erase_for(customer: Customer) -> int:
    """Suppress the customer's opted-out numbers and address, then delete their
    subscriptions and consent records; returns how many were suppressed."""
    waiting_texts(numbers_of(customer)).update(
        from_number="", body="", media=[], applied_at=timezone.now()
    )
    subscriptions = TextSubscription.objects.filter(customer=customer)
    suppressed = 0
    for sub in subscriptions.filter(opted_out_at__isnull=False).only("number", "opted_out_at"):
        assert sub.opted_out_at is not None
        number, opted_out_at = sub.number, sub.opted_out_at
        SuppressedAddress.objects.get_or_create(
            digest=suppression_digest(number),
            defaults={"channel": ConsentChannel.SMS, "opted_out_at": opted_out_at},
        )
        suppressed += 1
    # An email address that withdrew from promotional email: its last withdrawal, when
    # the customer did not accept again since.
    withdrawn = (
        customer.marketing_consent_changes.order_by("-changed_at", "-pk")
        .values_list("accepts", "changed_at")
        .first()
    )
    if customer.email and withdrawn is not None and not withdrawn[0]:
        SuppressedAddress.objects.get_or_create(
            digest=suppression_digest(customer.email),
            defaults={"channel": ConsentChannel.EMAIL, "opted_out_at": withdrawn[1]},
        )
        suppressed += 1
    subscriptions.delete()
    ConsentRecord.objects.filter(customer=customer).delete()
    return suppressed


def move_to(kept: Customer, merged: Customer) -> int:
    """Give ``merged``'s numbers and consent records to ``kept``; returns how many rows."""
    moved = TextSubscription.objects.filter(customer=merged).update(customer=kept)
    return moved + ConsentRecord.objects.filter(customer=merged).update(customer=kept)
