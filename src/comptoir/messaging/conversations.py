"""A customer's one conversation, and what a new message changes on it (the newest
message, its preview, the unread count): the lowest layer of the messaging app, used by
``services`` and by the modules ``services`` itself depends on."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from comptoir.customers.models import Customer
from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.models import Channel, Conversation, Direction, Message, MessageStatus
from comptoir.orders.models import Order

PREVIEW_LENGTH = 200


def conversation_for(customer: Customer) -> Conversation:
    return conversation_of(customer.pk)[0]


def conversation_of(customer_id: int) -> tuple[Conversation, bool]:
    """The conversation of the customer ``customer_id``, and whether it was made now."""
    return Conversation.objects.get_or_create(customer_id=customer_id)


def bump(conversation: Conversation, message: Message, *, unread: bool) -> None:
    """The conversation's newest message, preview, unread count (one UPDATE, F())."""
    preview = " ".join((message.body or message.subject).split())[:PREVIEW_LENGTH]
    changes: dict[str, object] = {
        "last_message_at": message.created_at,
        "last_message_preview": preview,
    }
    if unread:
        changes["unread_count"] = F("unread_count") + 1
        changes["last_inbound_channel"] = message.channel
    # A message older than the newest (two written at once) must not move the preview back.
    Conversation.objects.filter(pk=conversation.pk).filter(
        Q(last_message_at__isnull=True) | Q(last_message_at__lte=message.created_at)
    ).update(**changes)
    if unread:
        Conversation.objects.filter(pk=conversation.pk).filter(
            last_message_at__gt=message.created_at
        ).update(unread_count=F("unread_count") + 1, last_inbound_channel=message.channel)


def record_email_sent(
    conversation: Conversation,
    email: OutgoingEmail,
    *,
    kind: str,
    body: str,
    order: Order,
    update_state: str = "",
) -> Message:
    """An email the mail outbox sends for an order (the receipt, an update told by email)
    shown in the customer's conversation: SENT as soon as queued (the outbox's row says
    whether it went), threaded by the email's Message-ID so a reply lands there."""
    message = Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        kind=kind,
        status=MessageStatus.SENT,
        body=body,
        subject=email.subject,
        to_address=email.to_address,
        email_message_id=email.provider_message_id,
        order=order,
        update_state=update_state,
        sent_at=timezone.now(),
    )
    bump(conversation, message, unread=False)
    return message
