"""The periodic cleanups run without cron: a long-running ``comptoir worker`` queues a
run of each when it starts, and each run queues the next (a day later for the inbound
texts' ids, an hour for the partners' event ids), never two waiting at once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.consent.models import ReceivedText
from comptoir.consent.tasks import forget_received_texts
from comptoir.jobs.periodic import PERIODIC, schedule_periodic

TEXTS = "comptoir.consent.tasks.forget_received_texts"
PARTNERS = "comptoir.partners.tasks.forget_processed_events"
SWEEP = "comptoir.messaging.sms_inbound.sweep_waiting_texts"
SORT = "comptoir.customers.tasks.sort_directory_search"
SESSIONS = "comptoir.users.tasks.forget_expired_sessions"
FINISHED = "comptoir.jobs.tasks.forget_finished_tasks"


def rows(path: str, status: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path, status=status).order_by("run_after"))


def test_the_cleanups_are_the_periodic_tasks():
    assert {(p.task_path, p.every) for p in PERIODIC} == {
        (TEXTS, timedelta(days=1)),
        (PARTNERS, timedelta(hours=1)),
        (SWEEP, timedelta(minutes=10)),
        (SORT, timedelta(days=1)),
        (SESSIONS, timedelta(days=1)),
        (FINISHED, timedelta(days=1)),
    }
    assert forget_received_texts.module_path == TEXTS


@pytest.mark.django_db(transaction=True)
def test_a_long_running_worker_runs_the_cleanups_and_queues_the_next_runs():
    old = ReceivedText.objects.create(provider_message_id="SMold", applied_at=timezone.now())
    ReceivedText.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=8))
    fresh = ReceivedText.objects.create(provider_message_id="SMfresh", applied_at=timezone.now())
    started = timezone.now()

    # Not --batch: the worker of a running shop (it stops after the six periodic tasks).
    call_command(
        "worker", "--max-tasks", "6", "--interval", "0.05", "--verbosity", "0", stdout=io.StringIO()
    )

    [ran] = rows(TEXTS, TaskResultStatus.SUCCESSFUL)
    assert ran.return_value == 1
    assert list(ReceivedText.objects.values_list("pk", flat=True)) == [fresh.pk]
    [next_texts] = rows(TEXTS, TaskResultStatus.READY)
    assert started + timedelta(days=1) <= next_texts.run_after <= timezone.now() + timedelta(days=1)
    # Each of the others ran once and waits for its next run a period later.
    for path, every in [
        (PARTNERS, timedelta(hours=1)),
        (SWEEP, timedelta(minutes=10)),
        (SORT, timedelta(days=1)),
        (SESSIONS, timedelta(days=1)),
        (FINISHED, timedelta(days=1)),
    ]:
        assert len(rows(path, TaskResultStatus.SUCCESSFUL)) == 1, path
        [next_run] = rows(path, TaskResultStatus.READY)
        assert next_run.run_after >= started + every, path


@pytest.mark.django_db(transaction=True)
def test_two_runs_waiting_leave_one_next_run(run_worker):
    forget_received_texts.enqueue()
    forget_received_texts.enqueue()  # e.g. two workers started at once

    run_worker()

    assert len(rows(TEXTS, TaskResultStatus.SUCCESSFUL)) == 2
    [waiting] = rows(TEXTS, TaskResultStatus.READY)
    assert waiting.run_after > timezone.now() + timedelta(hours=23)


@pytest.mark.django_db
def test_a_worker_start_queues_nothing_already_waiting():
    assert sorted(schedule_periodic()) == sorted([TEXTS, PARTNERS, SWEEP, SORT, SESSIONS, FINISHED])
    assert schedule_periodic() == []
    assert DBTaskResult.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_batch_run_leaves_the_schedule_alone(run_worker):
    run_worker()

    assert not DBTaskResult.objects.exists()
