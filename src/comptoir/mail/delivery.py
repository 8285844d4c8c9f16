"""Handing an outbox row to the mail server: what the ``send_email`` task does.

The task may run more than once for one row (a retry, a second enqueue, two workers): a row
is sent at most once at a time, and never again once it is sent."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from comptoir.mail.models import EmailStatus, OutgoingEmail
from comptoir.mail.rendering import render_queued
from comptoir.mail.reply_to import reply_to_for

logger = logging.getLogger(__name__)

# A worker that claimed an email and then vanished (killed mid-send) blocks it this long.
SENDING_LEASE = timedelta(minutes=10)


def deliver_email(email_id: int, *, last_attempt: bool) -> str:
    """Send one outbox row through the configured EMAIL_BACKEND; the ``send_email`` task.

    Returns what happened ("sent", "already sent", ...). Raises on a sending error so that
    the task is retried; on the ``last_attempt`` the row is marked failed first."""
    now = timezone.now()
    # Claim with one conditional UPDATE (no transaction held open during network I/O).
    claimed = (
        OutgoingEmail.objects.filter(
            pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
        )
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - SENDING_LEASE))
        .update(sending_since=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        status = OutgoingEmail.objects.filter(pk=email_id).values_list("status", flat=True).first()
        if status is None:
            logger.warning("Outgoing email %s no longer exists; nothing to send", email_id)
            return "missing"
        return "already sent" if status == EmailStatus.SENT else "being sent by another worker"

    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        if not email.is_rendered and email.template:
            _render_and_store(email)
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text_body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_address],
            reply_to=reply_to_for(email),
            headers={"Message-ID": email.provider_message_id, "Content-Language": email.language},
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        message.send()
    except Exception as error:
        OutgoingEmail.objects.filter(pk=email_id).update(
            sending_since=None,
            error=f"{type(error).__name__}: {error}"[:2000],
            status=EmailStatus.FAILED if last_attempt else EmailStatus.QUEUED,
        )
        raise
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), sending_since=None, error=""
    )
    return "sent"


def _render_and_store(email: OutgoingEmail) -> None:
    """Render an email queued to be rendered here and keep the result on its row (we
    hold its sending claim), so that the outbox shows it and a retry sends the same."""
    rendered = render_queued(email.template, email.about_id or 0, language=email.language)
    email.subject = rendered.subject[:255]
    email.text_body = rendered.text
    email.html_body = rendered.html
    OutgoingEmail.objects.filter(pk=email.pk, text_body="").update(
        subject=email.subject, text_body=email.text_body, html_body=email.html_body
    )
