"""Retries with exponential backoff, through the real database queue and worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.jobs.retry import RetryPolicy
from comptoir.team.permissions import Permission
from tests.jobs import tasks

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_failing_task_is_retried_with_growing_backoff_then_marked_failed(run_worker, staff_client):
    tasks.reset(failures=99)
    with time_machine.travel(START, tick=False) as clock:
        result = tasks.flaky.enqueue("parcel-7")
        delays = []
        for _ in range(2):
            run_worker()
            row = DBTaskResult.objects.get(pk=result.id)
            assert row.status == TaskResultStatus.READY  # back in the queue, not dropped
            assert "remote end refused parcel-7" in row.traceback  # last error kept
            delays.append(row.run_after)
            run_worker()  # not due yet: nothing runs
            assert len(tasks.STATE["calls"]) == len(delays)
            clock.move_to(row.run_after)
        run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert tasks.STATE["calls"] == ["parcel-7"] * 3
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3  # attempts counted by the library, one per claim
    assert row.exception_class_path == "builtins.ConnectionError"

    first_gap = delays[0] - START
    second_gap = delays[1] - delays[0]
    assert timedelta(seconds=10) <= first_gap <= timedelta(seconds=11)  # base, +10 % jitter
    assert timedelta(seconds=20) <= second_gap <= timedelta(seconds=22)  # doubled
    assert second_gap > first_gap

    page = staff_client(Permission.MANAGE_SETTINGS).get("/dashboard/tasks/")
    assert page.status_code == 200
    failed = page.context["overview"].failed
    assert [(row.name, row.attempts, row.max_attempts) for row in failed] == [("flaky", 3, 3)]
    assert failed[0].error == "ConnectionError: remote end refused parcel-7"
    assert "ConnectionError: remote end refused parcel-7" in page.content.decode()


def test_task_that_recovers_succeeds_and_its_error_is_cleared(run_worker):
    tasks.reset(failures=1)
    with time_machine.travel(START, tick=False) as clock:
        result = tasks.flaky.enqueue("parcel-8")
        run_worker()
        clock.move_to(DBTaskResult.objects.get(pk=result.id).run_after)
        run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "done parcel-8"
    assert len(row.worker_ids) == 2
    assert row.traceback == ""


def test_task_without_retry_policy_fails_after_one_attempt(run_worker):
    result = tasks.fails_once_and_for_all.enqueue("x")
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 1
    assert "ValueError: bad input x" in row.traceback


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(max_attempts=10, base_delay_seconds=10, max_delay_seconds=60)
    assert [policy.delay_after(n, jitter=0).total_seconds() for n in range(1, 6)] == [
        10,
        20,
        40,
        60,
        60,
    ]
    assert policy.delay_after(1, jitter=0.1).total_seconds() == pytest.approx(11)
    assert policy.delay_after(5, jitter=0.1).total_seconds() == 60


def test_retry_policy_refuses_nonsense():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay_seconds=100, max_delay_seconds=10)
