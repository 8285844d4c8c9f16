"""The Background tasks page and its Retry button."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.jobs.models import ManualRetry, WorkerHeartbeat
from comptoir.team.permissions import Permission
from tests.jobs import tasks
from tests.jobs.factories import FailedTaskResultFactory, TaskResultFactory

TASKS_URL = "/dashboard/tasks/"


def retry_url(result) -> str:
    return f"/dashboard/tasks/{result.pk}/retry/"


def test_retry_button_requeues_a_failed_task_and_a_success_clears_it(staff_client, run_worker):
    failed = FailedTaskResultFactory()
    client = staff_client(Permission.MANAGE_SETTINGS)
    page = client.get(TASKS_URL)
    assert retry_url(failed) in page.content.decode()

    response = client.post(retry_url(failed))

    assert response.status_code == 302
    retry = ManualRetry.objects.get(failed_result=failed)
    assert retry.requested_by == client.member
    fresh = DBTaskResult.objects.get(pk=retry.new_result_id)
    assert (fresh.status, fresh.worker_ids) == (TaskResultStatus.READY, [])  # a fresh start
    assert fresh.args_kwargs == failed.args_kwargs
    assert client.get(TASKS_URL).context["overview"].failed == []

    run_worker()  # the cause is gone: tasks.flaky succeeds now

    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.SUCCESSFUL
    overview = client.get(TASKS_URL).context["overview"]
    assert overview.failed == []
    assert [row.id for row in overview.recent] == [str(fresh.pk)]
    assert tasks.STATE["calls"] == ["parcel-7"]


@pytest.mark.django_db
def test_retrying_the_same_failed_task_twice_enqueues_it_once(staff_client):
    failed = FailedTaskResultFactory()
    client = staff_client(Permission.MANAGE_SETTINGS)
    client.post(retry_url(failed))

    second = client.post(retry_url(failed))

    assert second.status_code == 409
    assert DBTaskResult.objects.count() == 2
    assert ManualRetry.objects.count() == 1


@pytest.mark.django_db
def test_only_failed_tasks_can_be_retried(staff_client):
    waiting = TaskResultFactory()
    response = staff_client(Permission.MANAGE_SETTINGS).post(retry_url(waiting))
    assert response.status_code == 404
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("permissions", [[], [Permission.MANAGE_CATALOG, Permission.MANAGE_TEAM]])
def test_member_without_manage_settings_is_refused_and_retry_changes_nothing(
    staff_client, permissions
):
    failed = FailedTaskResultFactory()
    client = staff_client(*permissions)

    assert client.get(TASKS_URL).status_code == 403
    assert client.post(retry_url(failed)).status_code == 403

    assert list(DBTaskResult.objects.values_list("pk", "status")) == [
        (failed.pk, TaskResultStatus.FAILED)
    ]
    assert not ManualRetry.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_and_retry_changes_nothing(client):
    failed = FailedTaskResultFactory()
    assert client.get(TASKS_URL)["Location"].startswith("/dashboard/login/")
    assert client.post(retry_url(failed)).status_code == 302
    assert DBTaskResult.objects.count() == 1
    assert not ManualRetry.objects.exists()


@pytest.mark.django_db
def test_retry_needs_post(staff_client):
    failed = FailedTaskResultFactory()
    assert staff_client(Permission.MANAGE_SETTINGS).get(retry_url(failed)).status_code == 405
    assert not ManualRetry.objects.exists()


@pytest.mark.django_db
def test_page_warns_when_no_worker_runs_and_shows_live_ones(staff_client):
    client = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    assert "No worker has checked in recently" in client.get(TASKS_URL).content.decode()

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="till-1", hostname="back-office", pid=7, started_at=now, last_seen_at=now
    )
    page = client.get(TASKS_URL).content.decode()
    assert "No worker has checked in recently" not in page
    assert "till-1" in page and "back-office" in page


@pytest.mark.django_db
def test_waiting_retry_shows_its_last_error_in_the_queue(staff_client):
    TaskResultFactory(
        worker_ids=["w1"],
        exception_class_path="builtins.ConnectionError",
        traceback="Traceback (most recent call last):\n  x\nConnectionError: nope\n",
        run_after=timezone.now() + timezone.timedelta(seconds=20),
    )
    overview = staff_client(Permission.MANAGE_SETTINGS).get(TASKS_URL).context["overview"]
    [row] = overview.queued
    assert row.is_retrying and row.error == "ConnectionError: nope"
    assert (row.attempts, row.max_attempts) == (1, 3)


@pytest.mark.django_db
def test_task_page_queries_do_not_grow_with_the_number_of_tasks(staff_client, count_queries):
    client = staff_client(Permission.MANAGE_SETTINGS)
    FailedTaskResultFactory()
    TaskResultFactory()
    client.get(TASKS_URL)  # first visit creates the shop row; measure the steady state
    with count_queries() as few:
        client.get(TASKS_URL)
    FailedTaskResultFactory.create_batch(10)
    TaskResultFactory.create_batch(10)
    TaskResultFactory.create_batch(
        10, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
    )
    with count_queries() as many:
        page = client.get(TASKS_URL)
    assert len(page.context["overview"].failed) == 11
    assert many.count == few.count <= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "finished", "failed"),
    [
        ("en", "Finished tasks are kept 14 days", "A failed task is kept 90 days unless retried"),
        (
            "fr",
            "Les tâches terminées sont conservées 14 jours",
            "Une tâche en échec est conservée 90 jours si elle",
        ),
    ],
)
def test_page_says_how_long_finished_and_failed_tasks_are_kept(
    staff_client, language, finished, failed
):
    FailedTaskResultFactory()
    client = staff_client(Permission.MANAGE_SETTINGS, user__language=language)
    page = client.get(TASKS_URL).content.decode()
    assert finished in page
    assert failed in page
