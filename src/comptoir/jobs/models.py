"""Bookkeeping around django-tasks: worker heartbeats (read by /healthz) and manual retries."""

from django.db import models
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """One row per running worker, touched on every loop of ``comptoir worker``."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ManualRetry(models.Model):
    """A staff member re-ran a task that had failed for good.

    The failed result is kept (its error stays readable) and linked to the fresh one; the
    one-to-one link makes a double-clicked Retry button enqueue the task only once."""

    failed_result = models.OneToOneField(
        DBTaskResult, on_delete=models.CASCADE, related_name="manual_retry"
    )
    new_result_id = models.UUIDField()
    requested_by = models.ForeignKey(
        "team.TeamMember", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.failed_result_id} -> {self.new_result_id}"
