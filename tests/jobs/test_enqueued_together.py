"""``jobs.dispatch.enqueued_together``: tasks enqueued in the caller's transaction, in one
INSERT (the database backend), and ``enqueue_after_commit`` everywhere else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.jobs.dispatch import enqueue_with_transaction, enqueued_together
from tests.jobs import tasks

# Columns the ORM's enqueue and ours must write alike (not the id and enqueue time).
COMPARED = [
    field.attname
    for field in DBTaskResult._meta.concrete_fields
    if field.attname not in {"id", "enqueued_at"}
]


class RolledBack(Exception):
    pass


def rows_of(task):
    return DBTaskResult.objects.filter(task_path=task.module_path)


@pytest.mark.django_db
def test_the_rows_are_those_of_the_backend_s_own_enqueue_in_one_insert():
    later = timezone.now() + timedelta(minutes=5)
    expected = [
        tasks.flaky.enqueue("a"),
        tasks.on_email_queue.enqueue("b"),
        tasks.fails_once_and_for_all.using(run_after=later, priority=5).enqueue("c"),
    ]
    by_orm = {
        row.task_path: row for row in DBTaskResult.objects.filter(pk__in=[r.id for r in expected])
    }
    DBTaskResult.objects.all().delete()
    before = timezone.now()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries, enqueued_together():
        enqueue_with_transaction(tasks.flaky, "a")
        enqueue_with_transaction(tasks.on_email_queue, "b")
        enqueue_with_transaction(
            tasks.fails_once_and_for_all.using(run_after=later, priority=5), "c"
        )
        assert not DBTaskResult.objects.exists()  # kept until the block's end

    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    rows = list(DBTaskResult.objects.all())
    assert len(rows) == 3
    for row in rows:
        orm = by_orm[row.task_path]
        assert [getattr(row, name) for name in COMPARED] == [
            getattr(orm, name) for name in COMPARED
        ]
        assert row.enqueued_at >= before
        assert row.status == TaskResultStatus.READY
        assert row.task_result.args == orm.task_result.args


@pytest.mark.django_db
def test_nothing_is_enqueued_when_the_transaction_rolls_back():
    with pytest.raises(RolledBack), transaction.atomic(), enqueued_together():
        enqueue_with_transaction(tasks.flaky, "lost")
        raise RolledBack
    assert not rows_of(tasks.flaky).exists()

    with pytest.raises(RolledBack), transaction.atomic():
        with enqueued_together():
            enqueue_with_transaction(tasks.flaky, "inserted, then rolled back")
        assert rows_of(tasks.flaky).count() == 1
        raise RolledBack
    assert not rows_of(tasks.flaky).exists()


@pytest.mark.django_db
def test_outside_the_block_it_is_enqueue_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue_with_transaction(tasks.flaky, "after")
    assert not rows_of(tasks.flaky).exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert rows_of(tasks.flaky).count() == 1


@pytest.mark.django_db
def test_nested_blocks_insert_once_at_the_outer_end():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, enqueued_together():
        enqueue_with_transaction(tasks.flaky, "outer")
        with enqueued_together():
            enqueue_with_transaction(tasks.flaky, "inner")
        assert not rows_of(tasks.flaky).exists()
    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 1
    assert rows_of(tasks.flaky).count() == 2


@pytest.mark.django_db
def test_the_immediate_backend_still_runs_the_task_after_the_commit(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with enqueued_together():
            enqueue_with_transaction(tasks.flaky, "now")
        assert tasks.STATE["calls"] == []  # not inside the transaction
    assert tasks.STATE["calls"] == ["now"]


@pytest.mark.django_db
def test_the_worker_runs_a_row_enqueued_together(run_worker):
    with transaction.atomic(), enqueued_together():
        enqueue_with_transaction(tasks.live_worker_ids)
        enqueue_with_transaction(tasks.on_email_queue, "mail")

    run_worker("--worker-id", "till-2")

    assert rows_of(tasks.live_worker_ids).get().return_value == ["till-2"]
    assert rows_of(tasks.on_email_queue).get().return_value is not None
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
