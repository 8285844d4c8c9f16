"""Erasing a customer's personal data on request (GDPR art. 17, "right to be forgotten").

Everything personal is deleted or irreversibly blanked, everywhere: the record's fields,
its CRM addresses, consent history and timeline; the login with its sessions, carts,
terms acceptances and sign-in lockout rows; the account's saved addresses, contact
details and cards (at the gateway too); the outbox's emails to any of the customer's
addresses with their send-task results; and the contact, delivery and note fields of
the orders. The orders themselves stay for the shop's accounts (amounts, lines,
payments), on the record, which stays as "Erased customer #<id>". One
``CustomerErasure`` row says who erased which record when, and nothing else.

Refused while an order is open (the shop still needs the contact details to fulfil
it) and while the login also belongs to a team member (the owner removes them from the
team first). Cards are deleted at the gateway first, outside the transaction (network
I/O); a gateway failure stops everything before anything is erased, and a retry is
safe (deleting there is idempotent). Once the rows are gone, so are the references a
later retry would need: hence erasure is refused when the customer has cards and the
gateway cannot be reached by configuration."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.accounts.models import (
    ContactEmail,
    ContactPhone,
    GatewayCustomer,
    SavedAddress,
    SavedCard,
    SignInAttempt,
)
from comptoir.accounts.services.cards import delete_at_gateway
from comptoir.appointments.personal_data import erase_for as erase_appointments
from comptoir.consent.personal_data import erase_for as erase_text_consent
from comptoir.coupons.personal_data import erase_for as erase_coupons
from comptoir.customers.models import (
    Customer,
    CustomerAddress,
    CustomerErasure,
    CustomerEvent,
    MarketingConsentChange,
)
from comptoir.customers.selectors import customer_for_staff
from comptoir.errors import Conflict
from comptoir.giftcards.personal_data import erase_for as erase_gift_card_details
from comptoir.mail.models import OutgoingEmail
from comptoir.mail.tasks import send_email
from comptoir.messaging.personal_data import erase_for as erase_messages
from comptoir.orders.counter import erase_payment_links
from comptoir.orders.models import Fulfilment, Order, OrderState
from comptoir.orders.receipts import RECEIPT_TEMPLATE
from comptoir.payments.gateways.base import UNAVAILABLE, Gateway, PaymentFailed
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User

logger = logging.getLogger(__name__)

# What an erased record keeps: its id, language, type, dates, the erasure stamps and
# the directory's order figures (the orders stay). Every other field of Customer is set
# to these values (a test checks that every field is in one list or the other).
BLANK_RECORD: dict[str, object] = {
    "first_name": "",
    "initials": "",
    "last_name": "",
    "email": None,
    "pending_approval": False,
    "phone": "",
    "mobile": "",
    "gender": "",
    "birth_date": None,
    "accepts_marketing": False,
    "company_name": "",
    "company_id_number": "",
    "chamber_of_commerce_number": "",
    "vat_id": "",
    "shipping_same_as_billing": True,
    "notes": "",
    "search_text": "",
    "user": None,
}
KEPT_RECORD_FIELDS = frozenset(
    {
        "id",
        "language",
        "kind",
        "created_at",
        "updated_at",
        "account_deleted_at",
        "erased_at",
    }
)

# The order's personal fields, as given at checkout; amounts, lines and payments stay.
BLANK_ORDER: dict[str, object] = {
    "email": "",
    "phone": "",
    "first_name": "",
    "last_name": "",
    "note": "",
    "account": None,
}
# The fulfilment's: where it went and how to find the customer. The country stays (tax).
BLANK_FULFILMENT: dict[str, object] = {
    "vehicle": "",
    "address_line1": "",
    "address_line2": "",
    "postal_code": "",
    "city": "",
    "courier_notes": "",
    "tracking_number": "",
}

# Rows that hang off the record and go with its personal data.
RECORD_ROWS = (
    SavedCard,
    GatewayCustomer,
    SavedAddress,
    ContactPhone,
    ContactEmail,
    CustomerAddress,
    MarketingConsentChange,
    CustomerEvent,
)


class ErasureRefused(Conflict):
    code = "erasure_refused"


def erasure_refusal(customer: Customer) -> str | None:
    """Why ``customer`` cannot be erased now (None: it can)."""
    if customer.erased_at is not None:
        return _("This customer's personal data is already erased.")
    open_numbers = list(
        customer.orders.filter(state=OrderState.OPEN)
        .order_by("placed_at")
        .values_list("number", flat=True)[:5]
    )
    if open_numbers:
        return _(
            "This customer has open orders (%(numbers)s): the shop still needs their contact "
            "details to fulfil them. Erase the data once every order is completed or cancelled."
        ) % {"numbers": ", ".join(open_numbers)}
    if customer.user_id and TeamMember.objects.filter(user_id=customer.user_id).exists():
        return _(
            "This customer's login also belongs to the shop's team: remove them from the team "
            "first."
        )
    return None


def erase_customer(*, actor: TeamMember, customer_id: int, gateway: Gateway | None) -> Customer:
    """Erase the personal data of a record ``actor`` may see (see the module's doc).
    ``gateway`` is the shop's active gateway, None when it cannot be reached by
    configuration. Raises ``ErasureRefused`` (nothing changed), ``NotFound`` or
    ``PaymentFailed`` (the gateway refused or could not be reached: nothing erased)."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    customer = customer_for_staff(actor, customer_id)
    refusal = erasure_refusal(customer)
    if refusal:
        raise ErasureRefused(refusal)
    cards = list(SavedCard.objects.filter(customer=customer))
    if cards and gateway is None:
        raise PaymentFailed(UNAVAILABLE, code="gateway_unreachable")
    # At the gateway first, outside any transaction (network I/O), as account deletion.
    for card in cards:
        delete_at_gateway(gateway, card)
    now = timezone.now()
    with transaction.atomic():
        customer = Customer.objects.select_for_update(of=("self",)).get(pk=customer.pk)
        # Checked again under the lock: an order placed or a second erasure meanwhile.
        refusal = erasure_refusal(customer)
        if refusal:
            raise ErasureRefused(refusal)
        user = User.objects.filter(pk=customer.user_id).first() if customer.user_id else None
        order_ids = list(customer.orders.values_list("pk", flat=True))
        emails = _addresses_of(customer, user, order_ids)

        _erase_outbox(emails, order_ids)
        _erase_orders(order_ids)
        erase_gift_card_details(customer)  # before the record's email is blanked
        erase_payment_links(customer)
        erase_text_consent(customer)  # opted-out numbers kept as hashes only
        erase_messages(customer)  # the conversation, its messages, raw emails, attachments
        erase_coupons(customer)  # unused ones; used ones stay with their order
        erase_appointments(customer)  # kept without notes or replies; those ahead cancelled
        for model in RECORD_ROWS:
            model.objects.filter(customer=customer).delete()
        SignInAttempt.objects.filter(email__in=emails).delete()
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            _by_username(model.objects.all(), emails).delete()
        if user is not None:
            _delete_sessions_of(user)
            # Cascades to the login's cart and terms acceptances; orders lose their link.
            user.delete()
        Customer.objects.filter(pk=customer.pk).update(
            **BLANK_RECORD,
            account_deleted_at=now if user is not None else F("account_deleted_at"),
            erased_at=now,
            updated_at=now,
        )
        CustomerErasure.objects.create(customer_number=customer.pk, erased_by=actor, erased_at=now)
    customer.refresh_from_db()
    logger.info("Personal data of customer %s erased by team member %s", customer.pk, actor.pk)
    return customer


def _addresses_of(customer: Customer, user: User | None, order_ids: list[int]) -> set[str]:
    """Every email address the customer is known by, lower-cased."""
    found = {customer.email or ""}
    if user is not None:
        found.add(user.email)
    found.update(ContactEmail.objects.filter(customer=customer).values_list("email", flat=True))
    found.update(Order.objects.filter(pk__in=order_ids).values_list("email", flat=True))
    return {address.strip().lower() for address in found if address and address.strip()}


def _by_username(rows: QuerySet, emails: Iterable[str]) -> QuerySet:
    return rows.alias(username_ci=Lower("username")).filter(username_ci__in=list(emails))


def _erase_outbox(emails: set[str], order_ids: list[int]) -> None:
    """Delete every email to the customer (sent, failed or still queued: a queued one is
    then never sent, its task finding no row) and the results of their send tasks, whose
    errors may quote the address. A task a worker is running right now is left to end;
    it carries only the row's id."""
    outbox = OutgoingEmail.objects.alias(to_ci=Lower("to_address")).filter(
        Q(to_ci__in=list(emails)) | Q(template=RECEIPT_TEMPLATE, about_id__in=order_ids)
    )
    email_ids = list(outbox.values_list("pk", flat=True))
    if not email_ids:
        return
    for start in range(0, len(email_ids), 500):
        DBTaskResult.objects.filter(
            task_path=send_email.module_path,
            args_kwargs__args__0__in=email_ids[start : start + 500],
        ).exclude(status=TaskResultStatus.RUNNING).delete()
    OutgoingEmail.objects.filter(pk__in=email_ids).delete()


def _erase_orders(order_ids: list[int]) -> None:
    """Blank the orders' personal fields and give each a new status-link secret, so the
    link the customer was sent shows nothing any more. The version changes, so a staff
    change prepared before the erasure cannot write the old values back."""
    if not order_ids:
        return
    Order.objects.filter(pk__in=order_ids).update(
        **BLANK_ORDER, version=F("version") + 1, updated_at=timezone.now()
    )
    Fulfilment.objects.filter(order_id__in=order_ids).update(**BLANK_FULFILMENT)
    orders = [Order(pk=pk, status_token=secrets.token_urlsafe(24)) for pk in order_ids]
    Order.objects.bulk_update(orders, ["status_token"], batch_size=500)


def _delete_sessions_of(user: User) -> None:
    """Sessions are signed blobs: decode each to find the user's (there is no index by
    user). Read in chunks; a busy shop has as many sessions as recent visitors."""
    wanted = str(user.pk)
    store = SessionStore()
    keys = [
        key
        for key, data in Session.objects.values_list("session_key", "session_data").iterator(
            chunk_size=2000
        )
        if str(store.decode(data).get("_auth_user_id", "")) == wanted
    ]
    Session.objects.filter(session_key__in=keys).delete()
