"""``comptoir worker``: runs queued tasks, keeps a heartbeat, honours its options."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.jobs.dispatch import enqueue_after_commit
from comptoir.jobs.models import WorkerHeartbeat
from tests.jobs import tasks


@pytest.mark.django_db
def test_batch_worker_runs_queued_task_while_its_heartbeat_is_fresh(run_worker):
    result = tasks.live_worker_ids.enqueue()

    run_worker("--worker-id", "till-1")

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == ["till-1"]  # the heartbeat was there while the task ran
    assert row.worker_ids == ["till-1"]
    assert not WorkerHeartbeat.objects.exists()  # clean shutdown removes it


@pytest.mark.django_db
def test_worker_runs_every_queue_by_default_and_only_the_given_one_with_queue(run_worker):
    on_default = tasks.flaky.enqueue("default-queue")
    on_email = tasks.on_email_queue.enqueue("email-queue")

    run_worker("--queue", "email")
    assert DBTaskResult.objects.get(pk=on_email.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=on_default.id).status == TaskResultStatus.READY

    run_worker()
    assert DBTaskResult.objects.get(pk=on_default.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_worker_stops_after_max_tasks(run_worker):
    first, second = tasks.flaky.enqueue("a"), tasks.flaky.enqueue("b")
    run_worker("--max-tasks", "1")
    statuses = {DBTaskResult.objects.get(pk=r.id).status for r in (first, second)}
    assert statuses == {TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY}


@pytest.mark.django_db
def test_worker_refuses_an_unknown_queue():
    with pytest.raises(CommandError, match="Unknown queue"):
        call_command("worker", "--batch", "--queue", "emails")


@pytest.mark.django_db
def test_worker_forgets_heartbeats_of_workers_dead_for_a_day(run_worker):
    long_ago = timezone.now() - timedelta(days=2)
    WorkerHeartbeat.objects.create(worker_id="crashed", started_at=long_ago, last_seen_at=long_ago)
    run_worker()
    assert not WorkerHeartbeat.objects.filter(worker_id="crashed").exists()


@pytest.mark.django_db(transaction=True)
def test_heartbeat_keeps_beating_while_a_long_task_runs(run_worker):
    result = tasks.watch_heartbeat.enqueue(1.2)

    run_worker("--heartbeat-interval", "0.2")

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    before, after = row.return_value
    assert after > before


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_enqueues_only_what_commits():
    with transaction.atomic():
        enqueue_after_commit(tasks.flaky, "kept")
        assert not DBTaskResult.objects.exists()  # not before the commit
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(tasks.flaky, "dropped")
        raise RuntimeError("rolled back")

    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [["kept"]]


@pytest.mark.django_db
def test_immediate_tasks_fixture_runs_tasks_at_enqueue(immediate_tasks):
    result = tasks.flaky.enqueue("now")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "done now"
    assert not DBTaskResult.objects.exists()
