"""The owner and full-access members (only them) get an email about new customer
messages, batched: the messages received within a minute of the first make one email
each, in each member's language, with links to the conversations; the task run again
sends nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.models import Channel
from comptoir.messaging.notifications import notify_staff_of_inbound, send_pending_notices
from comptoir.messaging.services import record_inbound
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import CustomerFactory, TeamMemberFactory
from tests.jobs.fixtures import run_worker  # noqa: F401 (a fixture)

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
KIND = "staff_new_customer_messages"


def batch_tasks():
    return apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(
        task_path="comptoir.messaging.notifications.send_new_message_notices"
    )


@pytest.fixture
def team(settings):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    shop = get_shop()
    shop.published_language = "fr"
    shop.save(update_fields=["published_language"])
    return {
        "owner": TeamMemberFactory(
            access=Access.OWNER, user__email="owner@example.com", user__language="fr"
        ),
        "full": TeamMemberFactory(
            access=Access.FULL, user__email="full@example.com", user__language="en"
        ),
        # Not notified: a custom role (even with the messaging permission), a member
        # who left.
        "role": TeamMemberFactory(
            permissions=[Permission.MESSAGE_CUSTOMERS], user__email="role@example.com"
        ),
        "gone": TeamMemberFactory(
            access=Access.FULL, is_active=False, user__email="gone@example.com"
        ),
    }


def text_from(customer, body: str):
    return record_inbound(
        customer=customer, channel=Channel.SMS, body=body, from_address=customer.mobile
    )


def test_messages_within_a_minute_make_one_email_per_member(run_worker, team):  # noqa: F811
    helene = CustomerFactory(first_name="Hélène", last_name="Martin", mobile="+33612345678")
    lou = CustomerFactory(first_name="Lou", last_name="Petit", email="lou@example.com")
    with time_machine.travel(T0, tick=False) as clock:
        text_from(helene, "Bonjour, vous êtes ouverts dimanche ?")
        clock.move_to(T0 + timedelta(seconds=20))
        record_inbound(
            customer=lou,
            channel=Channel.EMAIL,
            body="Is the lemon tart available tomorrow?",
            from_address="lou@example.com",
            subject="Lemon tart",
        )
        clock.move_to(T0 + timedelta(seconds=50))
        text_from(helene, "Et samedi ?")

        # One batch, due a minute after the first message.
        [task] = batch_tasks()
        assert task.run_after == T0 + timedelta(seconds=60)
        run_worker()
        assert not OutgoingEmail.objects.filter(kind=KIND).exists()  # not yet due

        clock.move_to(T0 + timedelta(seconds=61))
        run_worker()
        run_worker()

    emails = {email.to_address: email for email in OutgoingEmail.objects.filter(kind=KIND)}
    assert set(emails) == {"owner@example.com", "full@example.com"}
    assert emails["owner@example.com"].language == "fr"
    english = emails["full@example.com"]
    assert english.language == "en"
    assert english.subject == "3 new messages from customers"
    text = english.text_body
    assert "Customers wrote 3 messages to the shop:" in text
    assert "Hélène Martin (text, 1 June 11:00)" in text  # in the shop's time (Paris)
    assert "Bonjour, vous êtes ouverts dimanche ?" in text and "Et samedi ?" in text
    assert "Lou Petit (email" in text and "Is the lemon tart available tomorrow?" in text
    conversation = reverse("dashboard:message_conversation", args=[helene.pk])
    assert f"https://shop.example{conversation}" in text
    assert f"https://shop.example{conversation}" in english.html_body
    assert send_pending_notices() == "nothing to notify"


def test_a_later_message_starts_a_new_batch(run_worker, team):  # noqa: F811
    helene = CustomerFactory(first_name="Hélène", last_name="Martin", mobile="+33612345678")
    with time_machine.travel(T0, tick=False) as clock:
        text_from(helene, "Bonjour")
        clock.move_to(T0 + timedelta(seconds=61))
        run_worker()
        clock.move_to(T0 + timedelta(minutes=5))
        text_from(helene, "Vous êtes là ?")
        clock.move_to(T0 + timedelta(minutes=6, seconds=1))
        run_worker()

    subjects = list(
        OutgoingEmail.objects.filter(kind=KIND, to_address="full@example.com")
        .order_by("id")
        .values_list("subject", flat=True)
    )
    assert subjects == ["New message from Hélène Martin", "New message from Hélène Martin"]
    assert OutgoingEmail.objects.filter(kind=KIND).count() == 4  # two members, twice


@pytest.mark.django_db
def test_the_batch_is_sent_once_however_often_it_runs(team, django_capture_on_commit_callbacks):
    helene = CustomerFactory(first_name="Hélène", last_name="Martin", mobile="+33612345678")
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            text_from(helene, "Bonjour")
            text_from(helene, "Re-bonjour")
        assert batch_tasks().count() == 1

    with time_machine.travel(T0 + timedelta(seconds=60), tick=False):
        assert send_pending_notices() == "2 message(s) notified to 2 member(s)"
        assert send_pending_notices() == "nothing to notify"
    assert OutgoingEmail.objects.filter(kind=KIND).count() == 2
    [email] = OutgoingEmail.objects.filter(kind=KIND, to_address="full@example.com")
    assert email.subject == "2 new messages from Hélène Martin"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_batch_at_once_email_once(team):
    skip_unless_postgres()
    helene = CustomerFactory(first_name="Hélène", last_name="Martin", mobile="+33612345678")
    text_from(helene, "Bonjour")
    text_from(helene, "Re-bonjour")

    outcomes = run_at_once(2, lambda _n: send_pending_notices())

    assert sorted(outcomes) in (
        ["2 message(s) notified to 2 member(s)", "already notified"],
        ["2 message(s) notified to 2 member(s)", "nothing to notify"],
    ), outcomes
    assert OutgoingEmail.objects.filter(kind=KIND).count() == 2


@pytest.mark.django_db
def test_an_inbound_message_costs_one_query_to_join_a_pending_batch(team, count_queries):
    helene = CustomerFactory(first_name="Hélène", last_name="Martin", mobile="+33612345678")
    text_from(helene, "Bonjour")
    second = text_from(helene, "Re-bonjour")

    with count_queries() as queries:
        notify_staff_of_inbound(second.pk)

    assert queries.count == 1
