"""The reminder goes out ``reminder_hours`` before the appointment (a task scheduled with
``run_after``), once, on the channel the customer last received a receipt or reminder on
(else a text when they agreed to texts, else an email), in their language."""

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps

from comptoir.appointments import services
from comptoir.appointments.models import Appointment, AppointmentEvent
from comptoir.appointments.reminders import send_reminder
from comptoir.messaging.models import Channel, Direction, Message, MessageKind, MessageStatus
from comptoir.messaging.services import send_message
from tests.appointments.conftest import NOW, START
from tests.factories import CustomerFactory
from tests.jobs.fixtures import run_worker  # noqa: F401 (a fixture)

TASK = "comptoir.appointments.tasks.send_appointment_reminder"


def reminder_rows():
    return apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=TASK)


def reminders(customer):
    return Message.objects.filter(
        conversation__customer=customer, kind=MessageKind.REMINDER, direction=Direction.OUTBOUND
    )


@pytest.mark.django_db
def test_booking_schedules_the_reminder_24_hours_before_by_default(
    customer, book, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        appointment = book(customer)
    row = reminder_rows().get()
    assert row.args_kwargs["args"] == [appointment.pk]
    assert row.run_after == START - timedelta(hours=24)
    assert not reminders(customer).exists()


def test_the_worker_sends_the_reminder_n_hours_before_and_not_earlier(
    run_worker,  # noqa: F811
    customer,
    textable,
    book,
    owner_member,
):
    textable(customer)
    services.update_reminder_hours(actor=owner_member, hours=6)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    assert reminder_rows().get().run_after == START - timedelta(hours=6)

    with time_machine.travel(START - timedelta(hours=6, minutes=10), tick=False):
        run_worker()
    assert not reminders(customer).exists()

    with time_machine.travel(START - timedelta(hours=6), tick=False):
        run_worker()
        run_worker()
    reminder = reminders(customer).get()
    assert reminder.channel == Channel.SMS and reminder.appointment_id == appointment.pk
    assert reminder.status == MessageStatus.SENT  # sent by the messaging task it queued
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == START - timedelta(hours=6)
    assert appointment.reminder_channel == Channel.SMS


@pytest.mark.django_db
def test_the_text_reminder_in_english_says_how_to_answer(customer, textable, book):
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "sent by sms"
    reminder = reminders(customer).get()
    assert reminder.to_address == customer.mobile
    assert reminder.body == (
        "Salon Lumière: reminder of your appointment on June 3, 2026 at 2:30 p.m., Haircut at "
        "Martyrs. Reply C to confirm, R to reschedule, X to cancel."
    )


@pytest.mark.django_db
def test_the_text_reminder_in_french_reads_the_date_in_french(customer, textable, book):
    customer.language = "fr"
    customer.save(update_fields=["language"])
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        send_reminder(appointment.pk)
    body = reminders(customer).get().body
    # Rendered in French, in the location's time zone (14:30 in Paris).
    assert "3 juin 2026" in body and "14:30" in body
    assert "C" in body and "R" in body and "X" in body


@pytest.mark.django_db
def test_without_consent_to_texts_the_reminder_goes_by_email(customer, book):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "sent by email"
    reminder = reminders(customer).get()
    assert reminder.channel == Channel.EMAIL and reminder.to_address == customer.email
    assert reminder.subject.startswith("Reminder: your appointment on June 3, 2026")
    assert "reply to this email" in reminder.body


@pytest.mark.django_db
def test_the_reminder_follows_the_channel_of_the_last_receipt(customer, textable, book):
    textable(customer)  # texts would be allowed...
    send_message(
        actor=None,
        customer=customer,
        channel=Channel.EMAIL,
        body="Receipt",
        kind=MessageKind.RECEIPT,
    )  # ...but the last receipt went by email
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        send_reminder(appointment.pk)
    assert reminders(customer).get().channel == Channel.EMAIL


@pytest.mark.django_db
def test_a_stopped_number_gets_the_reminder_by_email(customer, textable, stopped, book):
    textable(customer)
    send_message(
        actor=None, customer=customer, channel=Channel.SMS, body="Receipt", kind=MessageKind.RECEIPT
    )
    stopped(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        send_reminder(appointment.pk)
    assert reminders(customer).get().channel == Channel.EMAIL


@pytest.mark.django_db
def test_no_reminder_when_no_channel_reaches_the_customer(stopped, textable, book):
    customer = CustomerFactory(email=None, mobile="+33698765432")
    textable(customer)
    stopped(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        outcome = send_reminder(appointment.pk)
    assert outcome.text == "not sent: no channel reaches the customer"
    assert not reminders(customer).exists()
    assert Appointment.objects.get(pk=appointment.pk).reminder_sent_at is None
    assert AppointmentEvent.objects.filter(
        appointment=appointment, kind="reminder_skipped"
    ).exists()


@pytest.mark.django_db
def test_the_reminder_is_sent_once(customer, textable, book):
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "sent by sms"
        assert send_reminder(appointment.pk).text == "already sent"
    assert reminders(customer).count() == 1


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_appointment(customer, textable, book, manager):
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
        services.cancel_appointment(
            actor=manager, appointment_id=appointment.pk, expected_version=appointment.version
        )
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "not sent: the appointment is cancelled"
    assert not reminders(customer).exists()


@pytest.mark.django_db
def test_a_task_that_runs_before_the_new_time_sends_nothing_and_says_when(
    customer, textable, book, manager, location
):
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
        later = START + timedelta(days=2)
        services.update_appointment(
            actor=manager,
            appointment_id=appointment.pk,
            expected_version=appointment.version,
            details=services.AppointmentDetails(
                service_name="Haircut", location_id=location.pk, starts_at=later
            ),
        )
    # The task scheduled for the old time runs: not due any more.
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        outcome = send_reminder(appointment.pk)
    assert outcome.text == "not due yet" and outcome.retry_at == later - timedelta(hours=24)
    assert not reminders(customer).exists()
