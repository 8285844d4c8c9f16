"""The one way services hand work to the background: after the transaction commits."""

from __future__ import annotations

import functools
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
