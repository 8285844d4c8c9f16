"""The outbox: emails are rows written in the caller's transaction, sent after commit by a
retrying task, at most once."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.errors import DomainError
from comptoir.jobs.services import retry_failed_task
from comptoir.mail.delivery import deliver_email
from comptoir.mail.models import EmailStatus, OutgoingEmail
from comptoir.mail.services import queue_email
from comptoir.mail.tasks import send_email
from comptoir.team.models import Access
from tests.mail.smtp_standin import SMTPStandIn

EMAIL = {
    "to": "camille@example.com",
    "subject": "Votre commande est prête",
    "text": "Bonjour Camille,\nvotre commande vous attend.\n",
    "html": "<p>Bonjour Camille,</p><p>votre commande vous attend.</p>",
    "language": "fr",
    "kind": "order_ready",
}


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_email_queued_in_a_transaction_that_rolls_back_is_never_sent(run_worker, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(**EMAIL)
        raise RuntimeError("the order could not be placed")

    run_worker()

    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mailoutbox == []


def test_committed_email_is_sent_after_commit_with_text_and_html(run_worker, mailoutbox):
    with transaction.atomic():
        email = queue_email(**EMAIL)
        assert not DBTaskResult.objects.exists()  # the task waits for the commit

    run_worker()

    [message] = mailoutbox
    assert message.to == ["camille@example.com"]
    assert message.subject == "Votre commande est prête"
    assert message.body == EMAIL["text"]
    assert message.alternatives[0].content == EMAIL["html"]
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"] == email.provider_message_id
    email.refresh_from_db()
    assert (email.status, email.attempts, email.error) == (EmailStatus.SENT, 1, "")
    assert email.sent_at is not None


def test_email_is_sent_once_even_if_its_task_runs_twice(run_worker, mailoutbox):
    email = queue_email(**EMAIL)
    send_email.enqueue(email.pk)  # a duplicate enqueue, as after a lost acknowledgement

    run_worker()

    assert len(mailoutbox) == 1
    outcomes = sorted(DBTaskResult.objects.values_list("status", "return_value"))
    assert outcomes == [
        (TaskResultStatus.SUCCESSFUL, "already sent"),
        (TaskResultStatus.SUCCESSFUL, "sent"),
    ]
    email.refresh_from_db()
    assert email.attempts == 1


@pytest.mark.django_db
def test_email_another_worker_is_sending_is_left_alone_until_its_claim_expires(mailoutbox):
    email = OutgoingEmail.objects.create(
        to_address="camille@example.com",
        subject="s",
        text_body="t",
        language="fr",
        sending_since=timezone.now(),
    )
    assert deliver_email(email.pk, last_attempt=False) == "being sent by another worker"
    assert mailoutbox == []

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert deliver_email(email.pk, last_attempt=False) == "sent"
    assert len(mailoutbox) == 1


def test_smtp_failures_are_retried_then_marked_failed_and_a_manual_retry_sends_it(
    run_worker, settings, make_member
):
    use_smtp(settings, closed_port())
    email = queue_email(**EMAIL)
    [task_result] = DBTaskResult.objects.all()

    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        for attempt in range(1, 7):
            run_worker()
            email.refresh_from_db()
            assert email.attempts == attempt
            assert email.error.startswith("ConnectionRefusedError")
            task_result.refresh_from_db()
            if attempt < 6:
                assert email.status == EmailStatus.QUEUED
                assert task_result.status == TaskResultStatus.READY
                clock.move_to(task_result.run_after)

    assert email.status == EmailStatus.FAILED
    assert task_result.status == TaskResultStatus.FAILED  # listed on Background tasks

    with SMTPStandIn() as server:
        use_smtp(settings, server.port)
        retry_failed_task(actor=make_member(access=Access.OWNER), result_id=task_result.pk)
        run_worker()

    assert len(server.conversation.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.error) == (EmailStatus.SENT, 7, "")


def test_outbox_only_backend_keeps_mail_and_reports_it_sent(run_worker, settings, mailoutbox):
    settings.EMAIL_BACKEND = "comptoir.mail.backends.OutboxOnlyBackend"
    email = queue_email(**EMAIL)

    run_worker()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.html_body == EMAIL["html"]  # the readable copy
    assert mailoutbox == []  # nothing went anywhere


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("to", "not an address"), ("language", "de")])
def test_queue_email_refuses_bad_input_and_stores_nothing(field, value):
    with pytest.raises(DomainError):
        queue_email(**{**EMAIL, field: value})
    assert not OutgoingEmail.objects.exists()
