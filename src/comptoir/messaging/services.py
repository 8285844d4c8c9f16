"""Writing messages: sending (a QUEUED row now, the provider after commit), recording
inbound messages, delivery reports, reading a conversation.

Sending is an outbox: ``send_message`` checks who may send what to whom, writes the
message in one transaction and enqueues ``messaging.tasks.send_queued_message`` after
commit (``messaging.delivery`` does the sending); nothing talks to a provider while a
transaction is open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.consent.rules import text_refusal
from comptoir.consent.selectors import customer_of_number
from comptoir.customers.events import record_event
from comptoir.customers.models import Customer, EventKind
from comptoir.customers.selectors import customer_by_email
from comptoir.customers.services.order_stats import start_spending
from comptoir.errors import DomainError
from comptoir.jobs.dispatch import deferred, enqueue_after_commit
from comptoir.messaging import email_channel, notifications, selectors, verification
from comptoir.messaging.conversations import bump, conversation_for
from comptoir.messaging.failed_updates import email_failed_order_update
from comptoir.messaging.models import (
    Attachment,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from comptoir.messaging.provider_errors import error_in_words
from comptoir.messaging.quiet_hours import send_after_for
from comptoir.messaging.tasks import send_queued_message
from comptoir.orders.models import Order
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission


class MissingContact(DomainError):
    """The customer has no address on file for the channel; the web layer links to
    their profile (``customer_id``)."""

    code = "missing_contact"

    def __init__(self, message: str, *, customer_id: int, channel: str) -> None:
        super().__init__(message)
        self.customer_id = customer_id
        self.channel = channel


class TextRefused(DomainError):
    """``consent.rules.text_refusal`` refused the text; ``refusal`` keeps its code (the
    web layer links to the consent dialog when it is NEEDS_ATTESTATION)."""

    code = "text_refused"

    def __init__(self, refusal: str) -> None:
        super().__init__(refusal)
        self.refusal = refusal


class NotVerified(DomainError):
    code = "business_not_verified"
    status = 403


class AttachmentData(Protocol):
    """A file to attach (``inbound_email.InboundAttachment`` is one)."""

    @property
    def filename(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def content(self) -> bytes: ...


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    content: bytes


def require_messaging(actor: TeamMember) -> TeamMember:
    """``actor`` may message customers: the permission, and the business verified."""
    require(actor, Permission.MESSAGE_CUSTOMERS)
    if not verification.is_verified():
        raise NotVerified(
            _(
                "Messaging starts once the business identity is verified: the owner enters "
                "it under Messages > Business identity."
            )
        )
    return actor


def address_for(customer: Customer, channel: str) -> str:
    """Where ``channel`` reaches ``customer``; MissingContact naming what is missing."""
    name = customer.full_name or str(customer)
    if channel == Channel.SMS:
        number = selectors.sms_number(customer)
        if not number:
            raise MissingContact(
                _("No mobile number on file for %(name)s: add one on their profile.")
                % {"name": name},
                customer_id=customer.pk,
                channel=channel,
            )
        return number
    if not customer.email:
        raise MissingContact(
            _("No email address on file for %(name)s: add one on their profile.") % {"name": name},
            customer_id=customer.pk,
            channel=channel,
        )
    return customer.email


def _fallback_zone(customer: Customer) -> str:
    spending = getattr(customer, "spending", None)
    location = getattr(spending, "last_location", None) if spending else None
    return getattr(location, "time_zone", "") or get_shop().time_zone


def send_message(
    *,
    actor: TeamMember | None,
    customer: Customer,
    channel: str,
    body: str,
    kind: str = MessageKind.STAFF,
    subject: str = "",
    order: Order | None = None,
    appointment_id: int | None = None,
    is_marketing: bool = False,
    attachments: Iterable[AttachmentData] = (),
    update_state: str = "",
) -> Message:
    """Queue a message to ``customer`` by ``channel`` and send it after commit.

    ``actor`` None: the shop itself (order updates, receipts, reminders), which needs
    neither the permission nor the verification. ``update_state``: the fulfilment state
    an ORDER_UPDATE tells. Raises DomainError (refusals, missing contact details) before
    writing anything."""
    if actor is not None:
        require_messaging(actor)
    channel = Channel(channel)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message first."), code="empty_message")
    to_address = address_for(customer, channel)
    now = timezone.now()
    send_after: datetime | None = None
    in_reply_to = ""
    if channel == Channel.SMS:
        refusal = text_refusal(
            customer=customer,
            number=to_address,
            marketing=is_marketing,
            staff_initiated=actor is not None and kind == MessageKind.STAFF,
        )
        if refusal is not None:
            raise TextRefused(refusal)
        if is_marketing:
            send_after = send_after_for(to_address, now, _fallback_zone(customer))
    else:
        if is_marketing and not customer.accepts_marketing:
            raise DomainError(
                _("%(name)s has not agreed to receive promotional email.")
                % {"name": customer.full_name or customer.email},
                code="marketing_refused",
            )
    with transaction.atomic():
        conversation = conversation_for(customer)
        if channel == Channel.EMAIL:
            last = email_channel.last_inbound_email(conversation.pk)
            if last is not None:
                in_reply_to = last.email_message_id
                subject = subject or email_channel.reply_subject(last.subject)
        message = Message.objects.create(
            conversation=conversation,
            direction=Direction.OUTBOUND,
            channel=channel,
            kind=kind,
            status=MessageStatus.QUEUED,
            body=body,
            subject=subject[:255],
            to_address=to_address,
            email_message_id=email_channel.new_message_id() if channel == Channel.EMAIL else "",
            in_reply_to=in_reply_to,
            is_marketing=is_marketing,
            author=actor,
            order=order,
            appointment_id=appointment_id,
            send_after=send_after,
            update_state=update_state,
        )
        store_attachments(message, attachments)
        bump(conversation, message, unread=False)
    # A backend that cannot defer (the ImmediateBackend of some tests) runs it now: the
    # claim then leaves the message queued until ``send_after``.
    enqueue_after_commit(deferred(send_queued_message, send_after), message.pk)
    return message


def record_inbound(
    *,
    customer: Customer,
    channel: str,
    body: str,
    from_address: str,
    subject: str = "",
    full_body: str = "",
    html_body: str = "",
    raw_source: str = "",
    provider_message_id: str = "",
    email_message_id: str = "",
    in_reply_to: str = "",
    possible_opt_out: bool = False,
    kind: str = MessageKind.CUSTOMER,
    order: Order | None = None,
    appointment_id: int | None = None,
    attachments: Iterable[AttachmentData] = (),
) -> Message:
    """A message the customer sent: RECEIVED, unread, staff notified after commit."""
    channel = Channel(channel)
    with transaction.atomic():
        conversation = conversation_for(customer)
        message = Message.objects.create(
            conversation=conversation,
            direction=Direction.INBOUND,
            channel=channel,
            kind=kind,
            status=MessageStatus.RECEIVED,
            body=body,
            subject=subject[:255],
            full_body=full_body,
            html_body=html_body,
            raw_source=raw_source,
            from_address=from_address,
            provider_message_id=provider_message_id,
            email_message_id=email_message_id,
            in_reply_to=in_reply_to,
            possible_opt_out=possible_opt_out,
            order=order,
            appointment_id=appointment_id,
        )
        store_attachments(message, attachments)
        bump(conversation, message, unread=True)
        transaction.on_commit(
            lambda: notifications.notify_staff_of_inbound(message.pk), robust=True
        )
    return message


def store_attachments(message: Message, attachments: Iterable[AttachmentData]) -> None:
    """Keep ``attachments`` as ``message``'s files (in the caller's transaction): sent and
    received messages here, a picture message's files in ``inbound_media``."""
    for new in attachments:
        attachment = Attachment(
            message=message,
            filename=new.filename[:255],
            content_type=new.content_type[:100],
            size=len(new.content),
        )
        attachment.file.save(new.filename, ContentFile(new.content), save=False)
        attachment.save()


def mark_read(*, actor: TeamMember, conversation: Conversation) -> None:
    """Opening a conversation reads it: unread 0, its inbound messages stamped read."""
    require(actor, Permission.MESSAGE_CUSTOMERS)
    if not conversation.unread_count:
        return
    now = timezone.now()
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=0)
        Message.objects.filter(
            conversation=conversation, direction=Direction.INBOUND, read_at__isnull=True
        ).update(read_at=now)
    conversation.unread_count = 0


# --- delivery reports ----------------------------------------------------------------

# Twilio's message statuses as ours (https://www.twilio.com/docs/messaging/api/message-resource).
PROVIDER_STATUSES = {
    "accepted": MessageStatus.QUEUED,
    "scheduled": MessageStatus.QUEUED,
    "queued": MessageStatus.QUEUED,
    "sending": MessageStatus.SENT,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
}
# A report never moves a message back (callbacks may arrive out of order).
_RANK: dict[str, int] = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.FAILED: 2,
}


def update_delivery_status(
    *, provider_message_id: str, status: str, error_code: str = "", error_message: str = ""
) -> Message | None:
    """Apply the provider's report on a sent text (``status``: ours or Twilio's word).
    Returns the message, or None when no message has that id.

    An order update whose text fails (an invalid or unreachable number) is told by email
    instead, once: only the report that moves the message to FAILED does it (one
    conditional UPDATE, so a repeated callback, or "failed" then "undelivered", finds it
    failed already), and never after "delivered"."""
    word = status.lower()
    new = PROVIDER_STATUSES.get(word) or (word if word in _RANK else None)
    if new is None:
        return None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(provider_message_id=provider_message_id, direction=Direction.OUTBOUND)
            .first()
        )
        if message is None:
            return None
        if _RANK.get(message.status, 3) >= _RANK[new]:
            return message
        changes: dict[str, object] = {"status": MessageStatus(new)}
        if new == MessageStatus.DELIVERED:
            changes["delivered_at"] = timezone.now()
        if new == MessageStatus.FAILED:
            code = str(error_code or "")[:20]
            changes["error_code"] = code
            changes["error_message"] = error_in_words(code, error_message)[:500]
        # Compared once more in the UPDATE: without the row lock (SQLite) two reports
        # read at once cannot both apply.
        if not Message.objects.filter(pk=message.pk, status=message.status).update(**changes):
            message.refresh_from_db()
            return message
        for name, value in changes.items():
            setattr(message, name, value)
        if new == MessageStatus.FAILED:
            email_failed_order_update(message)
    return message


# --- customers of inbound messages ---------------------------------------------------


def customer_for_inbound(*, phone: str = "", email: str = "", name: str = "") -> Customer:
    """The customer an inbound text (``phone``, E.164) or email is from; an unknown
    number or address creates a customer (with ``name`` when the email gave one)."""
    if not phone and not email:
        raise ValueError("customer_for_inbound needs a phone or an email")
    found = customer_of_number(phone) if phone else customer_by_email(email)
    if found is not None:
        return found
    first, _space, last = " ".join(name.split()).partition(" ")
    with transaction.atomic():
        customer = Customer(
            first_name=first[:100],
            last_name=last[:100],
            mobile=phone,
            email=email.strip() or None,
        )
        customer.search_text = customer.computed_search_text()
        if email:
            # Two emails from a new address at once: the unique index decides, the loser
            # takes the winner's record.
            try:
                with transaction.atomic():
                    customer.save(force_insert=True)
            except IntegrityError:
                existing = customer_by_email(email)
                if existing is None:
                    raise
                return existing
        else:
            customer.save(force_insert=True)
        start_spending(customer)
        record_event(customer, EventKind.CREATED, source="message")
    return customer
