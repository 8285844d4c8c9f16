"""Bookkeeping around django-tasks: worker heartbeats (read by /healthz)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running worker, touched on every loop of ``comptoir worker``."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
