"""Handing a queued message to its channel: what ``send_queued_message`` does.

The task may run more than once for one message (a retry, a second enqueue, two
workers): a message is claimed with one conditional UPDATE, sent at most once at a time,
and never again once it left QUEUED. No transaction is open during the network call."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from comptoir.messaging.email_channel import build_email
from comptoir.messaging.failed_updates import email_failed_order_update
from comptoir.messaging.models import Channel, Message, MessageStatus
from comptoir.messaging.sms import SmsSendError, get_sms_provider
from comptoir.shop.links import absolute_url, public_base

logger = logging.getLogger(__name__)

SENDING_LEASE = timedelta(minutes=10)
STATUS_CALLBACK_ROUTE = "twilio_status_callback"


class SendFailed(Exception):
    """A retryable failure: the task raises it so that the worker tries again later."""


def status_callback_url() -> str:
    """The absolute address of the provider's status callback, or "" when the public
    address is unknown (the provider then reports nothing)."""
    if not public_base():
        return ""
    return absolute_url(reverse(STATUS_CALLBACK_ROUTE))


def deliver_message(message_id: int, *, last_attempt: bool) -> str:
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
        .filter(Q(send_after__isnull=True) | Q(send_after__lte=now))
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - SENDING_LEASE))
        .update(sending_since=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        row = Message.objects.filter(pk=message_id).values("status", "send_after").first()
        if row is None:
            logger.warning("Message %s no longer exists; nothing to send", message_id)
            return "missing"
        if row["status"] != MessageStatus.QUEUED:
            return f"already {row['status']}"
        if row["send_after"] and row["send_after"] > now:
            return "waiting for the end of quiet hours"
        return "being sent by another worker"

    message = Message.objects.select_related("conversation__customer").get(pk=message_id)
    try:
        provider_id = _send(message)
    except SmsSendError as error:
        return _failed(
            message, now, error.code, error.message, retry=error.retryable and not last_attempt
        )
    except smtplib.SMTPRecipientsRefused as error:
        return _failed(message, now, "smtp", f"{type(error).__name__}: {error}", retry=False)
    except (smtplib.SMTPException, OSError) as error:
        reason = f"{type(error).__name__}: {error}"
        return _failed(message, now, "smtp", reason, retry=not last_attempt)
    Message.objects.filter(pk=message_id).update(
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        sending_since=None,
        provider_message_id=provider_id,
        error_code="",
        error_message="",
    )
    return "sent"


def _send(message: Message) -> str:
    if message.channel == Channel.SMS:
        return get_sms_provider().send(message.to_address, message.body, status_callback_url())
    build_email(message).send()
    return ""


def _failed(message: Message, claimed_at: datetime, code: str, reason: str, *, retry: bool) -> str:
    """Keep the reason on the message; a retryable error leaves it QUEUED and raises
    (the worker tries again with backoff), otherwise it is FAILED for good.

    Only while the message is still this attempt's (QUEUED, claimed at ``claimed_at``):
    an attempt that waited on the provider past the lease finds it taken over by another
    and leaves it to that one: no second email for a failed order update, no message put
    back in the queue after the other sent it."""
    mine = Message.objects.filter(
        pk=message.pk, status=MessageStatus.QUEUED, sending_since=claimed_at
    ).update(
        sending_since=None,
        error_code=code[:20],
        error_message=reason[:500],
        status=MessageStatus.QUEUED if retry else MessageStatus.FAILED,
    )
    if not mine:
        logger.warning("Message %s: failed after another attempt took it over", message.pk)
        return "taken over by another attempt"
    if retry:
        raise SendFailed(f"message {message.pk}: {reason}")
    # An order update refused for good (e.g. an invalid number) is told by email.
    email_failed_order_update(message)
    return "failed"
