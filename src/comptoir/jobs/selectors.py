from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from comptoir.jobs.models import WorkerHeartbeat


def live_workers() -> list[WorkerHeartbeat]:
    """Workers that checked in within COMPTOIR_WORKER_STALE_AFTER_SECONDS."""
    since = timezone.now() - timedelta(seconds=settings.COMPTOIR_WORKER_STALE_AFTER_SECONDS)
    return list(WorkerHeartbeat.objects.filter(last_seen_at__gte=since).order_by("-last_seen_at"))
