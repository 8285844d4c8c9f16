"""Everything Comptoir holds about one customer, as one JSON-serialisable dict: the
right of access (GDPR art. 15), downloaded by the back office or by the shopper from
their account.

``SECTIONS`` is the one list of what is exported: each section names its key in the
file, what it prefetches, and how it builds its part from the prefetched record. A
later issue that stores something about a customer (messages...) adds a section here,
and the erasure and merge code read the same kinds of rows.

Deliberately left out: the password hash, card and payment references at the gateway
(a card is its brand, last four digits, expiry and gateway), the order status link's
secret, idempotency keys, the folded search text, the directory's search entry (that text
and the names in lower case, decision 0032) and its order statistics (derived from the
exported names and orders) and which team member made a change
(their data, not the customer's). Email bodies are
included, except those holding a sign-in secret (password reset and invitation links):
whoever opens the file must not be able to sign in as the customer with it.

One query per section whatever the number of orders (prefetched)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone

from comptoir.accounts.models import SavedCard, SignInAttempt, TermsAcceptance
from comptoir.appointments.personal_data import appointments_of
from comptoir.consent.personal_data import consent_of
from comptoir.coupons.personal_data import coupons_of
from comptoir.customers.models import Customer, CustomerEvent, MarketingConsentChange
from comptoir.giftcards.personal_data import gift_cards_of
from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.personal_data import messages_of
from comptoir.orders.counter import payment_links_of
from comptoir.orders.models import Order, OrderLine, Payment

FORMAT_VERSION = 1

# Emails whose body holds a link that signs the customer in or sets their password.
SECRET_EMAIL_KINDS = frozenset({"password_reset", "account_invitation"})

Json = dict[str, Any]


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fields(obj: Any, names: Iterable[str]) -> Json:
    return {name: _value(getattr(obj, name)) for name in names}


# --- the sections --------------------------------------------------------------------

RECORD_FIELDS = (
    "id",
    "first_name",
    "initials",
    "last_name",
    "email",
    "pending_approval",
    "phone",
    "mobile",
    "language",
    "gender",
    "birth_date",
    "accepts_marketing",
    "kind",
    "company_name",
    "company_id_number",
    "chamber_of_commerce_number",
    "vat_id",
    "shipping_same_as_billing",
    "notes",
    "account_deleted_at",
    "erased_at",
    "created_at",
    "updated_at",
)
RECORD_ADDRESS_FIELDS = (
    "role",
    "country",
    "attention",
    "line1",
    "house_number",
    "house_number_extension",
    "line2",
    "postal_code",
    "city",
    "region",
)
SAVED_ADDRESS_FIELDS = (
    "label",
    "first_name",
    "last_name",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "phone",
    "is_primary",
    "created_at",
)
CARD_FIELDS = ("brand", "last4", "exp_month", "exp_year", "gateway", "is_primary", "created_at")
ORDER_FIELDS = (
    "number",
    "state",
    "source",
    "placed_at",
    "currency",
    "subtotal",
    "fees",
    "discount",
    "discount_code",
    "total",
    "email",
    "phone",
    "first_name",
    "last_name",
    "language",
    "note",
    "is_donation",
    "sms_consent",
    "sms_consent_text",
    "sms_consent_at",
)
LINE_FIELDS = ("name", "sku", "unit_price", "quantity", "total")
PAYMENT_FIELDS = ("method", "amount", "currency", "card_brand", "card_last4", "created_at")
FULFILMENT_FIELDS = (
    "type",
    "state",
    "preparation_minutes",
    "pickup_at",
    "curbside",
    "vehicle",
    "arrived_at",
    "deliver_at",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "courier_notes",
    "carrier",
    "tracking_number",
    "table_label",
    "placed_at",
    "accepted_at",
    "ready_at",
    "completed_at",
    "cancelled_at",
    "failed_at",
    "cancel_reason",
)


def _record(customer: Customer) -> Json:
    return _fields(customer, RECORD_FIELDS)


def _record_addresses(customer: Customer) -> list[Json]:
    return [_fields(a, RECORD_ADDRESS_FIELDS) for a in customer.record_addresses.all()]


def _consent(customer: Customer) -> list[Json]:
    return [
        _fields(change, ("accepts", "source", "changed_at"))
        for change in customer.marketing_consent_changes.all()
    ]


def _timeline(customer: Customer) -> list[Json]:
    return [
        {**_fields(event, ("kind", "at", "detail")), "by_shop": event.actor_id is not None}
        for event in customer.events.all()
    ]


def _account(customer: Customer) -> Json | None:
    user = customer.user
    if user is None:
        return None
    return _fields(user, ("email", "full_name", "language", "date_joined", "last_login"))


def _terms(customer: Customer) -> list[Json]:
    if customer.user is None:
        return []
    return [
        {
            "accepted_at": _value(acceptance.accepted_at),
            "language": acceptance.terms.language,
            "version": acceptance.terms.version,
        }
        for acceptance in customer.user.terms_acceptances.all()
    ]


def _saved_addresses(customer: Customer) -> list[Json]:
    return [_fields(a, SAVED_ADDRESS_FIELDS) for a in customer.saved_addresses.all()]


def _phones(customer: Customer) -> list[Json]:
    return [
        _fields(p, ("number", "is_primary", "created_at")) for p in customer.contact_phones.all()
    ]


def _emails(customer: Customer) -> list[Json]:
    return [
        _fields(e, ("email", "is_primary", "created_at")) for e in customer.contact_emails.all()
    ]


def _cards(customer: Customer) -> list[Json]:
    return [_fields(card, CARD_FIELDS) for card in customer.saved_cards.all()]


def _orders(customer: Customer) -> list[Json]:
    orders = []
    for order in customer.orders.all():
        fulfilment = getattr(order, "fulfilment", None)
        orders.append(
            {
                **_fields(order, ORDER_FIELDS),
                "location": order.location.name,
                "lines": [_fields(line, LINE_FIELDS) for line in order.lines.all()],
                "payments": [_fields(p, PAYMENT_FIELDS) for p in order.payments.all()],
                "fulfilment": _fields(fulfilment, FULFILMENT_FIELDS) if fulfilment else None,
            }
        )
    return orders


def _addresses_of(customer: Customer) -> set[str]:
    """Every email address the customer is known by (lower case), from prefetched rows."""
    found = {customer.email or ""}
    if customer.user is not None:
        found.add(customer.user.email)
    found.update(contact.email for contact in customer.contact_emails.all())
    found.update(order.email for order in customer.orders.all())
    return {address.strip().lower() for address in found if address and address.strip()}


def _emails_sent(customer: Customer) -> list[Json]:
    addresses = _addresses_of(customer)
    if not addresses:
        return []
    sent = (
        OutgoingEmail.objects.alias(to_ci=Lower("to_address"))
        .filter(to_ci__in=addresses)
        .order_by("created_at", "pk")
        .only(
            "to_address",
            "subject",
            "kind",
            "status",
            "language",
            "created_at",
            "sent_at",
            "text_body",
        )
    )
    return [
        {
            **_fields(
                email,
                ("to_address", "subject", "kind", "status", "language", "created_at", "sent_at"),
            ),
            "text_body": None if email.kind in SECRET_EMAIL_KINDS else email.text_body,
        }
        for email in sent
    ]


def _sign_in_attempts(customer: Customer) -> list[Json]:
    addresses = _addresses_of(customer)
    if not addresses:
        return []
    # The rate limits store the email as typed, lower-cased.
    attempts = SignInAttempt.objects.filter(email__in=addresses).order_by("at", "pk")
    return [_fields(attempt, ("kind", "email", "ip_address", "at")) for attempt in attempts]


@dataclass(frozen=True)
class Section:
    key: str
    build: Callable[[Customer], Any]
    # What ``build`` reads beyond the record and its login, prefetched once for all.
    prefetch: tuple[str | Prefetch, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section("record", _record),
    Section("record_addresses", _record_addresses, ("record_addresses",)),
    Section(
        "marketing_consent_history",
        _consent,
        (
            Prefetch(
                "marketing_consent_changes",
                MarketingConsentChange.objects.order_by("changed_at", "pk"),
            ),
        ),
    ),
    Section(
        "timeline",
        _timeline,
        (Prefetch("events", CustomerEvent.objects.order_by("at", "pk")),),
    ),
    Section("account", _account),
    Section(
        "terms_accepted",
        _terms,
        (
            Prefetch(
                "user__terms_acceptances",
                TermsAcceptance.objects.select_related("terms").order_by("accepted_at", "pk"),
            ),
        ),
    ),
    Section("saved_addresses", _saved_addresses, ("saved_addresses",)),
    Section("contact_phones", _phones, ("contact_phones",)),
    Section("contact_emails", _emails, ("contact_emails",)),
    Section(
        "saved_cards",
        _cards,
        (Prefetch("saved_cards", SavedCard.objects.order_by("-is_primary", "pk")),),
    ),
    Section(
        "orders",
        _orders,
        (
            Prefetch(
                "orders",
                Order.objects.select_related("location", "fulfilment").order_by("placed_at", "pk"),
            ),
            Prefetch("orders__lines", OrderLine.objects.order_by("pk")),
            Prefetch("orders__payments", Payment.objects.order_by("pk")),
        ),
    ),
    Section("emails_sent", _emails_sent),
    Section("sign_in_attempts", _sign_in_attempts),
    # Cards bought by the customer or sent to one of their addresses, with their ledgers.
    Section("gift_cards", gift_cards_of),
    # Counter orders sent to the customer to pay by card (orders.counter).
    Section("payment_links", payment_links_of),
    # Text consent: each number's STOP state and double opt-in, every grant and withdrawal.
    Section("text_consent", consent_of),
    # The conversation: every message both ways (raw emails included), attachments listed.
    Section("messages", messages_of),
    # Coupons sent to the customer, used or not (with the order that used each).
    Section("coupons", coupons_of),
    # Appointments with their history (the customer's answers to reminders included).
    Section("appointments", appointments_of),
)


def personal_data(customer: Customer) -> Json:
    """Everything held about ``customer`` (see the module docstring), fetched afresh."""
    prefetch = [lookup for section in SECTIONS for lookup in section.prefetch]
    full = Customer.objects.select_related("user").prefetch_related(*prefetch).get(pk=customer.pk)
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _value(timezone.now()),
        "customer_number": full.pk,
        **{section.key: section.build(full) for section in SECTIONS},
    }
