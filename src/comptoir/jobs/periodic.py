"""Tasks that run on a period (the cleanups), kept going by the worker itself, so a shop
needs no cron: a long-running ``comptoir worker`` queues a run of each when it starts
(unless one is already waiting), and after each run queues the next one ``every`` later
(unless one is already waiting). Several workers, or a restart, may briefly queue two
runs; the next run after them finds the other waiting and the chain is one again. The
tasks must be safe to run twice (a cleanup deleting what is old is).

The tasks are named by path, so this module imports no domain app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class Periodic:
    task_path: str
    every: timedelta


PERIODIC: tuple[Periodic, ...] = (
    # Partner event ids are kept at least 72 hours (replays are acknowledged once).
    Periodic("comptoir.partners.tasks.forget_processed_events", timedelta(hours=1)),
    # The provider ids of inbound texts are kept a week (a retried webhook is applied once).
    Periodic("comptoir.consent.tasks.forget_received_texts", timedelta(days=1)),
    # Inbound texts whose task was lost or gave up are queued again (never dropped).
    Periodic("comptoir.messaging.sms_inbound.sweep_waiting_texts", timedelta(minutes=10)),
    # The directory's search table back in name order (customers.search_order).
    Periodic("comptoir.customers.tasks.sort_directory_search", timedelta(days=1)),
    # Signed-in sessions past their expiry (Django's clearsessions).
    Periodic("comptoir.users.tasks.forget_expired_sessions", timedelta(days=1)),
    # Finished task results past their keeping time (jobs.cleanup), this task's own among them.
    Periodic("comptoir.jobs.tasks.forget_finished_tasks", timedelta(days=1)),
)
BY_PATH = {periodic.task_path: periodic for periodic in PERIODIC}


def _waiting(task_path: str) -> bool:
    return DBTaskResult.objects.filter(
        task_path=task_path, status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    ).exists()


def _enqueue(periodic: Periodic, run_after: datetime) -> None:
    task = import_string(periodic.task_path)
    assert isinstance(task, Task), periodic.task_path
    task.using(run_after=run_after).enqueue()


def schedule_periodic(*, now: datetime | None = None) -> list[str]:
    """Queue a run now of each periodic task with none waiting (the worker's start);
    returns the paths queued."""
    now = now or timezone.now()
    queued = []
    for periodic in PERIODIC:
        if not _waiting(periodic.task_path):
            _enqueue(periodic, now)
            queued.append(periodic.task_path)
    return queued


def schedule_next(task_path: str, *, now: datetime | None = None) -> bool:
    """After a run of ``task_path`` (finished, whatever its outcome): queue the next one
    ``every`` from now unless a run is already waiting. False for other tasks."""
    periodic = BY_PATH.get(task_path)
    if periodic is None or _waiting(task_path):
        return False
    _enqueue(periodic, (now or timezone.now()) + periodic.every)
    return True
