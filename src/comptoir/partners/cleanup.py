"""Forgetting processed event ids once no partner would send them again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from comptoir.partners.models import ProcessedEvent

# Kept at least this long: Square retries a notification for up to 72 hours.
EVENT_RETENTION = timedelta(hours=72)


def forget_old_events(*, now: datetime | None = None) -> int:
    """Delete processed event ids older than the retention; returns how many."""
    cutoff = (now or timezone.now()) - EVENT_RETENTION
    deleted, _details = ProcessedEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted
