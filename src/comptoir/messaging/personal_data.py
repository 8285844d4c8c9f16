"""What the customer export, erasure and merge do with messages (wired by ``customers``:
this module only answers for the messaging app).

- ``messages_of``: the customer's conversation, every message both ways with its texts
  (shown, full original, HTML, raw email source), addresses, status and times, and the
  attachments' names, types and sizes (for the JSON export).
- ``erase_for``: deletes the conversation, its messages and their attachment files.
- ``move_to``: the merged record's messages join the kept record's conversation (one
  conversation per customer), unread counts added up."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from comptoir.customers.models import Customer
from comptoir.messaging.models import Attachment, Conversation, Message

MESSAGE_FIELDS = (
    "direction",
    "channel",
    "kind",
    "status",
    "subject",
    "body",
    "full_body",
    "html_body",
    "raw_source",
    "to_address",
    "from_address",
    "email_message_id",
    "in_reply_to",
    "error_code",
    "error_message",
    "is_marketing",
    "order_id",
    "appointment_id",
    "created_at",
    "sent_at",
    "delivered_at",
    "read_at",
)


def messages_of(customer: Customer) -> dict[str, Any] | None:
    conversation = Conversation.objects.filter(customer=customer).first()
    if conversation is None:
        return None
    messages = (
        Message.objects.filter(conversation=conversation)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    return {
        "started_at": conversation.created_at,
        "messages": [
            {
                **{field: getattr(message, field) for field in MESSAGE_FIELDS},
                "attachments": [
                    {
                        "filename": attachment.filename,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                    }
                    for attachment in message.attachments.all()
                ],
            }
            for message in messages
        ],
    }


def erase_for(customer: Customer) -> int:
    """Delete the customer's conversation with its messages and attachment files;
    returns how many messages. The files go once the erasure commits (a rolled-back
    erasure keeps them; a failed removal leaves an orphan file, never a dangling row)."""
    files = [
        (attachment.file.storage, attachment.file.name)
        for attachment in Attachment.objects.filter(message__conversation__customer=customer)
        if attachment.file.name
    ]
    count = Message.objects.filter(conversation__customer=customer).count()
    Conversation.objects.filter(customer=customer).delete()
    if files:

        def delete_files() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(delete_files, robust=True)
    return count


def move_to(kept: Customer, merged: Customer) -> int:
    """Give ``merged``'s messages to ``kept``'s conversation; returns how many moved.
    Call it before the merged record is deleted (its conversation goes with it)."""
    theirs = Conversation.objects.filter(customer=merged).first()
    if theirs is None:
        return 0
    ours = Conversation.objects.filter(customer=kept).first()
    if ours is None:
        Conversation.objects.filter(pk=theirs.pk).update(customer=kept)
        return Message.objects.filter(conversation=theirs).count()
    moved = Message.objects.filter(conversation=theirs).update(conversation=ours)
    ours.unread_count += theirs.unread_count
    if theirs.last_message_at and (
        ours.last_message_at is None or theirs.last_message_at > ours.last_message_at
    ):
        ours.last_message_at = theirs.last_message_at
        ours.last_message_preview = theirs.last_message_preview
    if not ours.last_inbound_channel:
        ours.last_inbound_channel = theirs.last_inbound_channel
    ours.save(
        update_fields=[
            "unread_count",
            "last_message_at",
            "last_message_preview",
            "last_inbound_channel",
        ]
    )
    theirs.delete()
    return moved
