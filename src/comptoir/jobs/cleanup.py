"""Forgetting finished tasks (run daily by the worker, ``comptoir.jobs.tasks``).

Every order leaves two or three rows in the task queue (its receipt, the staff email, the
"not accepted yet" reminder), and django-tasks never deletes them: without this the table
grows by millions of rows a year, and the Background tasks page, which counts its rows by
status, and a customer's erasure, which looks for their emails' tasks in it, slow down
with it. What is kept:

- a task that succeeded, or that failed and was retried by hand: ``FINISHED_KEPT`` after
  it finished (the page's "Recently finished" list and a support question a week later);
- a task that failed for good and was not retried: ``FAILED_KEPT``, so that it stays on the
  page long enough to be noticed and retried;
- anything queued or running: always.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

FINISHED_KEPT = timedelta(days=14)
FAILED_KEPT = timedelta(days=90)
# Rows deleted per statement: a first run on a large shop deletes millions, and one
# statement that size would hold its locks and its memory for minutes.
BATCH = 2000


def forget_finished_tasks(*, now: datetime | None = None) -> int:
    """Delete the task results past their keeping time; returns how many."""
    now = now or timezone.now()
    old = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - FINISHED_KEPT)
        | Q(
            status=TaskResultStatus.FAILED,
            manual_retry__isnull=False,
            finished_at__lt=now - FINISHED_KEPT,
        )
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - FAILED_KEPT)
    )
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:BATCH]):
        # The manual-retry links of these rows go with them (CASCADE).
        _count, per_model = DBTaskResult.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(DBTaskResult._meta.label, 0)
    return deleted
