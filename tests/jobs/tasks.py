"""Tasks used by the tests (a task must be a module-level function the worker can import)."""

from __future__ import annotations

import time

from django.db import OperationalError
from django_tasks import task

from comptoir.jobs.models import WorkerHeartbeat
from comptoir.jobs.retry import retrying
from comptoir.jobs.selectors import live_workers

# The worker runs in the test's process, so module state is shared with the test.
STATE: dict = {}


def reset(*, failures: int = 0) -> None:
    STATE.clear()
    STATE.update(failures_left=failures, calls=[])


@retrying(max_attempts=3, base_delay_seconds=10, max_delay_seconds=600)
def flaky(label: str) -> str:
    """Fails while STATE["failures_left"] > 0, then succeeds."""
    STATE["calls"].append(label)
    if STATE["failures_left"] > 0:
        STATE["failures_left"] -= 1
        raise ConnectionError(f"remote end refused {label}\nsecond line of the message")
    return f"done {label}"


@task()
def fails_once_and_for_all(label: str) -> None:
    """No retry policy: one attempt only."""
    raise ValueError(f"bad input {label}")


@task(queue_name="email")
def on_email_queue(label: str) -> str:
    STATE["calls"].append(label)
    return label


@task()
def live_worker_ids() -> list[str]:
    """What /healthz would see while this task runs."""
    return [worker.worker_id for worker in live_workers()]


@task()
def watch_heartbeat(seconds: float) -> list[str]:
    """Sleep like a long task, reading the worker's heartbeat before and after."""
    seen = [_last_seen()]
    time.sleep(seconds)
    seen.append(_last_seen())
    return seen


def _last_seen() -> str:
    # SQLite's shared in-memory test database reports "locked" if the heartbeat thread is
    # writing at that very moment: read again.
    for _attempt in range(20):
        try:
            return WorkerHeartbeat.objects.get().last_seen_at.isoformat()
        except OperationalError:
            time.sleep(0.05)
    raise AssertionError("could not read the heartbeat")
