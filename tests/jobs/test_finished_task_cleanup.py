"""The worker's daily cleanup of the task queue: finished tasks are forgotten after two
weeks, failures nobody retried after ninety days (they stay on the Background tasks page
to be retried until then), and nothing queued or running is ever touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.jobs import cleanup
from comptoir.jobs.models import ManualRetry
from comptoir.jobs.tasks import forget_finished_tasks
from tests.jobs.factories import FailedTaskResultFactory, TaskResultFactory

pytestmark = pytest.mark.django_db


def finished(status: str, days_ago: float, **fields) -> DBTaskResult:
    when = timezone.now() - timedelta(days=days_ago)
    factory = FailedTaskResultFactory if status == TaskResultStatus.FAILED else TaskResultFactory
    return factory(status=status, started_at=when, finished_at=when, **fields)


def test_old_finished_tasks_are_forgotten_and_the_rest_kept():
    old_success = finished(TaskResultStatus.SUCCESSFUL, 15)
    recent_success = finished(TaskResultStatus.SUCCESSFUL, 13)
    retried_failure = finished(TaskResultStatus.FAILED, 15)
    ManualRetry.objects.create(failed_result=retried_failure, new_result_id=recent_success.pk)
    unretried_failure = finished(TaskResultStatus.FAILED, 60)
    ancient_failure = finished(TaskResultStatus.FAILED, 91)
    queued = TaskResultFactory(status=TaskResultStatus.READY)
    DBTaskResult.objects.filter(pk=queued.pk).update(
        enqueued_at=timezone.now() - timedelta(days=200)
    )
    running = TaskResultFactory(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(days=30)
    )

    assert forget_finished_tasks.call() == 3

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent_success.pk,
        unretried_failure.pk,
        queued.pk,
        running.pk,
    }
    assert not ManualRetry.objects.exists()
    assert {old_success.pk, retried_failure.pk, ancient_failure.pk}.isdisjoint(
        DBTaskResult.objects.values_list("pk", flat=True)
    )


def test_a_large_backlog_is_deleted_in_batches(monkeypatch):
    monkeypatch.setattr(cleanup, "BATCH", 3)
    for _ in range(7):
        finished(TaskResultStatus.SUCCESSFUL, 20)
    kept = finished(TaskResultStatus.SUCCESSFUL, 1)

    with CaptureQueriesContext(connection) as queries:
        assert cleanup.forget_finished_tasks() == 7

    # Three batches of at most three rows (3 + 3 + 1): never one statement for the backlog.
    deletes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('DELETE FROM "django_tasks_database_dbtaskresult"')
    ]
    assert len(deletes) == 3

    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [kept.pk]
