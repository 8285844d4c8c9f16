"""Retries with exponential backoff for django-tasks (the backport has none).

A task declares its policy with ``@retrying(max_attempts=5, base_delay_seconds=10)`` in place
of ``@task``. When an attempt raises, ``comptoir worker`` puts the same task-result row back to
READY with ``run_after = now + base * 2**(attempt - 1)`` (plus up to 10 % jitter, capped), so
the attempt count is the library's own (one worker id per claim) and the last error stays on
the row until a later attempt succeeds. After ``max_attempts`` the row stays FAILED, which the
dashboard lists. Tasks without a policy run once. See docs/decisions/0003-task-retries.md.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Jitter spreads retries of many tasks that failed together (a mail server restart) over time.
JITTER_FRACTION = 0.1


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_seconds: float = 10
    max_delay_seconds: float = 3600

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_seconds < 0 or self.max_delay_seconds < self.base_delay_seconds:
            raise ValueError("delays must satisfy 0 <= base_delay_seconds <= max_delay_seconds")

    def delay_after(self, failed_attempts: int, *, jitter: float | None = None) -> timedelta:
        """How long to wait after the ``failed_attempts``-th failure (1-based)."""
        exponential = self.base_delay_seconds * 2 ** (failed_attempts - 1)
        if jitter is None:
            jitter = random.uniform(0, JITTER_FRACTION)
        seconds = min(self.max_delay_seconds, exponential * (1 + jitter))
        return timedelta(seconds=seconds)


# Task module path -> policy. A Task is a frozen, slotted dataclass, so the policy cannot ride
# on it; the worker imports the task (to run it) before it looks its policy up here.
_POLICIES: dict[str, RetryPolicy] = {}


def retrying(
    *,
    max_attempts: int = 5,
    base_delay_seconds: float = 10,
    max_delay_seconds: float = 3600,
    **task_options: Any,
) -> Callable[[Callable[..., Any]], Task]:
    """``@task`` with a retry policy; ``task_options`` go to django-tasks' ``task``."""
    policy = RetryPolicy(
        max_attempts=max_attempts,
        base_delay_seconds=base_delay_seconds,
        max_delay_seconds=max_delay_seconds,
    )

    def decorate(function: Callable[..., Any]) -> Task:
        declared = task(**task_options)(function)
        _POLICIES[declared.module_path] = policy
        return declared

    return decorate


def policy_for(task_path: str) -> RetryPolicy | None:
    return _POLICIES.get(task_path)


def attempts_left(context: TaskContext) -> int:
    """Attempts that will still follow this one if it fails (0 on the last one).

    A backend that cannot defer (the ImmediateBackend used in tests) never retries."""
    result = context.task_result
    policy = policy_for(result.task.module_path)
    if policy is None or not result.task.get_backend().supports_defer:
        return 0
    return max(0, policy.max_attempts - context.attempt)


def reschedule_failed_attempt(
    result: DBTaskResult, *, now: datetime | None = None
) -> datetime | None:
    """Put a just-failed result back in the queue if its policy allows another attempt.

    Returns the new ``run_after``, or None when the failure is final. The update is
    conditional on the row still being FAILED, so it never resurrects a result someone
    else already handled."""
    policy = policy_for(result.task_path)
    attempts = len(result.worker_ids)
    if policy is None or attempts >= policy.max_attempts:
        return None
    run_after = (now or timezone.now()) + policy.delay_after(attempts)
    updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    if not updated:
        return None
    result.status, result.run_after, result.finished_at = TaskResultStatus.READY, run_after, None
    logger.warning(
        "Task %s (%s) failed on attempt %d of %d; next attempt after %s",
        result.pk,
        result.task_path,
        attempts,
        policy.max_attempts,
        run_after.isoformat(),
    )
    return run_after
