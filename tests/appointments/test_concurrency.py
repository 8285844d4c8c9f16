"""Two things at once on one appointment (PostgreSQL, threads): the reminder task run
twice sends one reminder; two answers to one reminder apply one; a staff change and a
customer's answer cannot both win silently."""

from datetime import timedelta

import pytest
import time_machine

from comptoir.appointments import services
from comptoir.appointments.models import Appointment, AppointmentStatus
from comptoir.appointments.reminders import send_reminder
from comptoir.appointments.replies import handle_reminder_reply
from comptoir.messaging.models import Message, MessageKind
from tests.appointments.conftest import MOBILE, NOW, START
from tests.concurrency import run_at_once, skip_unless_postgres

S = AppointmentStatus
DUE = START - timedelta(hours=24)


@pytest.fixture
def booked(customer, textable, book):
    skip_unless_postgres()
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        return book(customer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_run_twice_at_once_sends_one_reminder(customer, booked):
    with time_machine.travel(DUE, tick=False):
        outcomes = run_at_once(3, lambda n: send_reminder(booked.pk).text)
    assert sorted(outcomes) == ["already sent", "already sent", "sent by sms"]
    assert Message.objects.filter(kind=MessageKind.REMINDER).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_apply_one(customer, booked):
    with time_machine.travel(DUE, tick=False):
        send_reminder(booked.pk)
        outcomes = run_at_once(2, lambda n: handle_reminder_reply(customer, MOBILE, ["C", "X"][n]))
    assert sorted(outcomes) == [False, True]
    appointment = Appointment.objects.get(pk=booked.pk)
    assert appointment.status in (S.CONFIRMED, S.CANCELLED)
    assert Message.objects.filter(kind=MessageKind.AUTO_REPLY).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_staff_change_and_an_answer_at_once_do_not_both_win(customer, booked, manager):
    with time_machine.travel(DUE, tick=False):
        send_reminder(booked.pk)

        def act(n: int) -> object:
            if n == 0:
                return services.cancel_appointment(
                    actor=manager, appointment_id=booked.pk, expected_version=1
                ).status
            return handle_reminder_reply(customer, MOBILE, "C")

        outcomes = run_at_once(2, act)
    appointment = Appointment.objects.get(pk=booked.pk)
    if appointment.status == S.CANCELLED:
        assert sorted(map(str, outcomes)) == ["False", "cancelled"]
    else:
        assert appointment.status == S.CONFIRMED
        assert True in outcomes and any(
            "version_conflict" in str(o) or "Someone else" in str(o) for o in outcomes
        )
