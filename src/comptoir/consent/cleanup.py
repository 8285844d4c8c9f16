"""Forgetting the ids of inbound texts once the provider would not send them again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from comptoir.consent.models import ReceivedText

# Twilio retries a webhook for minutes, not days; a week is plenty.
RECEIVED_TEXT_RETENTION = timedelta(days=7)


def forget_old_received_texts(*, now: datetime | None = None) -> int:
    """Delete the received texts' ids older than the retention; returns how many. A text
    still waiting for the worker is never deleted, however old."""
    cutoff = (now or timezone.now()) - RECEIVED_TEXT_RETENTION
    deleted, _details = ReceivedText.objects.filter(
        received_at__lt=cutoff, applied_at__isnull=False
    ).delete()
    return deleted
