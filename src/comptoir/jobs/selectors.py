"""Reads about background work: live workers (for /healthz) and the task lists of the
Background tasks page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from comptoir.jobs.cleanup import FAILED_KEPT, FINISHED_KEPT
from comptoir.jobs.models import WorkerHeartbeat
from comptoir.jobs.retry import policy_for
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# How many rows each list of the page shows; older ones stay in the database.
LIST_LIMIT = 50


def live_workers() -> list[WorkerHeartbeat]:
    """Workers that checked in within COMPTOIR_WORKER_STALE_AFTER_SECONDS."""
    since = timezone.now() - timedelta(seconds=settings.COMPTOIR_WORKER_STALE_AFTER_SECONDS)
    return list(WorkerHeartbeat.objects.filter(last_seen_at__gte=since).order_by("-last_seen_at"))


@dataclass(frozen=True)
class WorkerRow:
    worker_id: str
    hostname: str
    pid: int | None
    started_at: datetime
    last_seen_at: datetime
    is_live: bool


@dataclass(frozen=True)
class TaskRow:
    id: str
    name: str
    queue: str
    arguments: str
    status: str
    attempts: int
    max_attempts: int | None
    error: str
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_after: datetime | None

    @property
    def is_retrying(self) -> bool:
        """Queued again after a failed attempt (its last error is kept until it succeeds)."""
        return self.status == TaskResultStatus.READY and bool(self.error)


@dataclass(frozen=True)
class TaskOverview:
    workers: list[WorkerRow]
    failed: list[TaskRow]
    queued: list[TaskRow]
    recent: list[TaskRow]
    counts: dict[str, int]

    @property
    def has_live_worker(self) -> bool:
        return any(worker.is_live for worker in self.workers)

    # How long finished tasks stay listed here (``jobs.cleanup``, run daily by the worker).
    finished_kept_days: int = FINISHED_KEPT.days
    failed_kept_days: int = FAILED_KEPT.days


def task_overview(*, actor: TeamMember) -> TaskOverview:
    """Everything the Background tasks page shows, in a fixed number of queries."""
    require(actor, Permission.MANAGE_SETTINGS)
    results = DBTaskResult.objects.all()
    failed = results.failed().filter(manual_retry__isnull=True).order_by("-finished_at")
    queued = results.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    recent = results.successful().order_by("-finished_at")
    counts = {
        row["status"]: row["total"]
        for row in results.filter(manual_retry__isnull=True)
        .values("status")
        .annotate(total=Count("id"))
        .order_by()
    }
    stale_before = timezone.now() - timedelta(seconds=settings.COMPTOIR_WORKER_STALE_AFTER_SECONDS)
    workers = [
        WorkerRow(
            worker_id=beat.worker_id,
            hostname=beat.hostname,
            pid=beat.pid,
            started_at=beat.started_at,
            last_seen_at=beat.last_seen_at,
            is_live=beat.last_seen_at >= stale_before,
        )
        for beat in WorkerHeartbeat.objects.order_by("-last_seen_at")
    ]
    return TaskOverview(
        workers=workers,
        failed=[task_row(result) for result in failed[:LIST_LIMIT]],
        queued=[task_row(result) for result in queued[:LIST_LIMIT]],
        recent=[task_row(result) for result in recent[:LIST_LIMIT]],
        counts=counts,
    )


def task_row(result: DBTaskResult) -> TaskRow:
    name = result.task_name  # imports the task module, which also registers its retry policy
    policy = policy_for(result.task_path)
    return TaskRow(
        id=str(result.id),
        name=name,
        queue=result.queue_name,
        arguments=describe_arguments(result.args_kwargs),
        status=result.status,
        attempts=len(result.worker_ids),
        max_attempts=policy.max_attempts if policy else None,
        error=error_summary(result.traceback, result.exception_class_path),
        enqueued_at=result.enqueued_at,
        started_at=result.started_at,
        finished_at=result.finished_at,
        run_after=None if result.run_after == get_date_max() else result.run_after,
    )


def describe_arguments(args_kwargs: dict) -> str:
    """``12, "fr", retry=true`` from the stored JSON (tasks take ids, so this stays short)."""
    parts = [json.dumps(value, ensure_ascii=False) for value in args_kwargs.get("args", [])]
    parts += [
        f"{key}={json.dumps(value, ensure_ascii=False)}"
        for key, value in args_kwargs.get("kwargs", {}).items()
    ]
    return ", ".join(parts)


def error_summary(traceback: str, exception_class_path: str) -> str:
    """First line of the last exception (``SMTPServerDisconnected: Connection closed``)."""
    if not traceback and not exception_class_path:
        return ""
    lines = traceback.rstrip().splitlines()
    header = max(
        (i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call")),
        default=-1,
    )
    for line in lines[header + 1 :]:
        if line and not line[0].isspace():
            return line[:300]
    return exception_class_path.rsplit(".", 1)[-1]
