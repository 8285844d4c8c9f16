"""Email backends of our own."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

OUTBOX_ONLY_BACKEND = "comptoir.mail.backends.OutboxOnlyBackend"


class OutboxOnlyBackend(BaseEmailBackend):
    """Keeps mail, delivers NOTHING. The default when no EMAIL_HOST is configured (the demo).

    Every email Comptoir sends is first stored as an ``OutgoingEmail`` row (text and HTML);
    with this backend that row is the only copy, readable on the dashboard's Outbox page.
    Sending reports success, so the row is marked "sent" although no recipient receives
    anything. Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, ...) to deliver through SMTP.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.info(
                "Kept in the outbox, not delivered: %s to %s",
                message.subject,
                ", ".join(message.recipients()),
            )
        return len(email_messages)


def mail_is_kept_not_delivered() -> bool:
    """True when the configured backend delivers nothing (the outbox page says so)."""
    return settings.EMAIL_BACKEND == OUTBOX_ONLY_BACKEND
