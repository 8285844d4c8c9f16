"""The one way services hand work to the background: after the transaction commits."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits.

    Nothing is enqueued if it rolls back, and the task never starts before the rows it
    reads are visible to the worker. Outside a transaction it is enqueued at once.
    Pass ids, not model instances: the task re-reads what it needs."""
    # robust: a failure to enqueue is logged, it must not turn a committed request into a 500.
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs), robust=True)


def deferred(task: Task, run_after: datetime | None) -> Task:
    """``task`` set to start at ``run_after`` when its backend can wait (the database
    backend the worker reads); unchanged when ``run_after`` is None or the backend cannot
    defer (the immediate backend of some tests, which runs it at once)."""
    if run_after is None or not task.get_backend().supports_defer:
        return task
    return task.using(run_after=run_after)
