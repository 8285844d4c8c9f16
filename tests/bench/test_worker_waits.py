"""Between scenarios the bench waits for the tasks due now and drops those a scenario
queued for later (the acceptance reminders of its orders), keeping the periodic ones."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench.run import _drop_deferred, _wait_for_periodic_start, _wait_for_worker
from comptoir.jobs.periodic import PERIODIC
from tests.jobs.factories import TaskResultFactory

pytestmark = pytest.mark.django_db


def test_a_task_queued_to_run_at_once_is_waited_for():
    # Stored with the backend's far-future date as run_after, which the wait once missed.
    TaskResultFactory(task_path="comptoir.alerts.tasks.email_new_order")
    TaskResultFactory(
        task_path="comptoir.alerts.tasks.remind_not_accepted",
        run_after=timezone.now() + datetime.timedelta(minutes=5),
    )
    TaskResultFactory(status=TaskResultStatus.SUCCESSFUL)

    _waited, left = _wait_for_worker(limit=0)

    assert left == 1  # the email due now; not the reminder due later, not the finished one


def test_nothing_due_returns_at_once():
    TaskResultFactory(run_after=timezone.now() + datetime.timedelta(minutes=5))

    waited, left = _wait_for_worker(limit=30)

    assert left == 0
    assert waited < 30


def test_the_reminders_a_scenario_queued_for_later_are_dropped_the_rest_kept():
    began = timezone.now()
    later = began + datetime.timedelta(minutes=5)
    before_the_scenario = TaskResultFactory(run_after=later)
    before_the_scenario.enqueued_at = began - datetime.timedelta(minutes=1)
    before_the_scenario.save(update_fields=["enqueued_at"])
    reminder = TaskResultFactory(
        task_path="comptoir.alerts.tasks.remind_not_accepted", run_after=later
    )
    periodic = TaskResultFactory(task_path=PERIODIC[0].task_path, run_after=later)
    due_now = TaskResultFactory(task_path="comptoir.alerts.tasks.email_new_order")

    assert _drop_deferred(began) == 1

    kept = set(DBTaskResult.objects.values_list("id", flat=True))
    assert reminder.id not in kept
    assert {before_the_scenario.id, periodic.id, due_now.id} <= kept


def test_the_first_scenario_waits_for_the_periodic_runs_of_the_workers_start():
    since = timezone.now()
    for periodic in PERIODIC:  # queued by the worker as it starts, and run
        TaskResultFactory(task_path=periodic.task_path, status=TaskResultStatus.SUCCESSFUL)

    assert _wait_for_periodic_start(since, limit=30) < 30


def test_a_worker_that_has_not_queued_them_yet_is_waited_for_up_to_the_limit():
    since = timezone.now()
    TaskResultFactory(task_path=PERIODIC[0].task_path, status=TaskResultStatus.SUCCESSFUL)

    assert _wait_for_periodic_start(since, limit=1) >= 1
