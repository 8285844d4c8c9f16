"""The customer answers the text reminder: C / oui / yes / confirm / confirmer confirm, R /
reporter / reschedule ask to reschedule, X / annuler cancel; the reply shows in the
conversation, linked to the appointment, and an acknowledgement goes back. The bare
word CANCEL is an opt-out word: never an answer here. Anything else is for staff."""

from datetime import timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from comptoir.appointments.models import Appointment, AppointmentEvent, AppointmentStatus
from comptoir.appointments.reminders import send_reminder
from comptoir.appointments.replies import handle_reminder_reply
from comptoir.messaging.inbound_media import fetch_text_media
from comptoir.messaging.models import Channel, Direction, Message, MessageKind
from comptoir.messaging.sms_inbound import Outcome, receive_text
from tests.appointments.conftest import MOBILE, NOW, START

S = AppointmentStatus
REPLY_AT = START - timedelta(hours=20)


@pytest.fixture
def reminded(customer, textable, book):
    """An appointment whose text reminder was sent and not yet answered."""
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "sent by sms"
    return appointment


def reply(customer, text):
    with time_machine.travel(REPLY_AT, tick=False):
        return handle_reminder_reply(customer, MOBILE, text, provider_message_id="SMreply")


def acknowledgements(customer):
    return Message.objects.filter(
        conversation__customer=customer, kind=MessageKind.AUTO_REPLY, direction=Direction.OUTBOUND
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("C", S.CONFIRMED),
        ("c", S.CONFIRMED),
        ("oui", S.CONFIRMED),
        ("Oui !", S.CONFIRMED),
        ("yes", S.CONFIRMED),
        ("confirm", S.CONFIRMED),
        ("Confirmer", S.CONFIRMED),
        ("R", S.RESCHEDULE_REQUESTED),
        ("reporter", S.RESCHEDULE_REQUESTED),
        ("Reschedule.", S.RESCHEDULE_REQUESTED),
        ("X", S.CANCELLED),
        (" annuler ", S.CANCELLED),
        ("Annulé", S.CANCELLED),
    ],
)
@pytest.mark.django_db
def test_a_reply_answers_the_reminder(customer, reminded, text, status):
    assert reply(customer, text) is True
    appointment = Appointment.objects.get(pk=reminded.pk)
    assert appointment.status == status
    assert appointment.reminder_answered_at == REPLY_AT
    event = AppointmentEvent.objects.filter(appointment=appointment, source="customer").get()
    assert event.detail["reply"] == text


@pytest.mark.django_db
def test_the_reply_is_in_the_conversation_linked_to_the_appointment(customer, reminded):
    reply(customer, "C")
    inbound = Message.objects.get(conversation__customer=customer, direction=Direction.INBOUND)
    assert (inbound.body, inbound.channel, inbound.from_address) == ("C", Channel.SMS, MOBILE)
    assert inbound.appointment_id == reminded.pk
    assert inbound.provider_message_id == "SMreply"
    assert inbound.conversation.unread_count == 1  # staff see it as a new message


@pytest.mark.django_db
def test_confirming_sends_an_acknowledgement(customer, reminded):
    reply(customer, "oui")
    ack = acknowledgements(customer).get()
    assert ack.channel == Channel.SMS and ack.appointment_id == reminded.pk
    assert ack.body == (
        "Salon Lumière: thank you, your appointment (Haircut) on June 3, 2026 at 2:30 p.m. "
        "is confirmed."
    )


@pytest.mark.django_db
def test_cancelling_and_rescheduling_are_acknowledged(customer, reminded, textable, book):
    reply(customer, "X")
    assert acknowledgements(customer).get().body == (
        "Salon Lumière: your appointment (Haircut) on June 3, 2026 at 2:30 p.m. is cancelled."
    )


@pytest.mark.django_db
def test_a_reschedule_request_is_acknowledged(customer, reminded):
    reply(customer, "R")
    assert acknowledgements(customer).get().body == (
        "Salon Lumière: thank you, we will contact you to find a new time for your "
        "appointment (Haircut)."
    )


@pytest.mark.django_db
def test_the_acknowledgement_is_in_the_customers_language(customer, textable, book):
    customer.language = "fr"
    customer.save(update_fields=["language"])
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        send_reminder(appointment.pk)
    reply(customer, "oui")
    assert "3 juin 2026" in acknowledgements(customer).get().body


@pytest.mark.parametrize("text", ["CANCEL", "cancel", " Cancel. "])
@pytest.mark.django_db
def test_the_bare_word_cancel_is_not_an_answer(customer, reminded, text):
    assert reply(customer, text) is False
    appointment = Appointment.objects.get(pk=reminded.pk)
    assert appointment.status == S.BOOKED and appointment.reminder_answered_at is None
    assert not Message.objects.filter(direction=Direction.INBOUND).exists()
    assert not acknowledgements(customer).exists()


@pytest.mark.parametrize("text", ["Can we move it to 4pm?", "oui mais plus tard", "OK", ""])
@pytest.mark.django_db
def test_an_unrecognised_reply_is_left_for_staff(customer, reminded, text):
    assert reply(customer, text) is False
    assert Appointment.objects.get(pk=reminded.pk).status == S.BOOKED
    assert not Message.objects.filter(direction=Direction.INBOUND).exists()


@pytest.mark.django_db
def test_a_second_answer_is_for_staff(customer, reminded):
    assert reply(customer, "C") is True
    assert reply(customer, "X") is False
    assert Appointment.objects.get(pk=reminded.pk).status == S.CONFIRMED


@pytest.mark.django_db
def test_no_pending_reminder_no_answer(customer, book):
    # The reminder went by email (no consent to texts): a text "C" is a message for staff.
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "sent by email"
    assert reply(customer, "C") is False
    assert Appointment.objects.get(pk=appointment.pk).status == S.BOOKED


@pytest.mark.django_db
def test_after_the_start_a_reply_is_for_staff(customer, reminded):
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        assert handle_reminder_reply(customer, MOBILE, "X") is False
    assert Appointment.objects.get(pk=reminded.pk).status == S.BOOKED


@pytest.mark.django_db
def test_confirmed_then_another_cancelled_by_text_through_the_inbound_path(
    customer, reminded, book
):
    """From the provider's inbound text (``messaging.sms_inbound.receive_text``)."""
    with time_machine.travel(REPLY_AT, tick=False):
        assert receive_text(provider_message_id="SM1", from_number=MOBILE, body="C") == (
            Outcome.REMINDER_ANSWER
        )
    assert Appointment.objects.get(pk=reminded.pk).status == S.CONFIRMED

    with time_machine.travel(NOW, tick=False):
        second = book(customer, starts_at=START + timedelta(days=7))
    with time_machine.travel(START + timedelta(days=6), tick=False):
        assert send_reminder(second.pk).text == "sent by sms"
        assert receive_text(provider_message_id="SM2", from_number=MOBILE, body="annuler") == (
            Outcome.REMINDER_ANSWER
        )
    assert Appointment.objects.get(pk=second.pk).status == S.CANCELLED
    assert [m.body for m in acknowledgements(customer).order_by("pk")][-1].endswith("is cancelled.")


@pytest.mark.django_db
def test_cancel_through_the_inbound_path_opts_out_and_leaves_the_appointment(customer, reminded):
    with time_machine.travel(REPLY_AT, tick=False):
        assert receive_text(provider_message_id="SM1", from_number=MOBILE, body="CANCEL") == (
            Outcome.OPTED_OUT
        )
    appointment = Appointment.objects.get(pk=reminded.pk)
    assert appointment.status == S.BOOKED and appointment.reminder_answered_at is None


@pytest.mark.django_db
def test_a_picture_sent_with_the_answer_is_fetched_for_the_reply(
    customer, reminded, settings, django_capture_on_commit_callbacks
):
    """The answer's picture goes the way of any picture message (messaging.inbound_media:
    a task fetches it from Twilio's API host and keeps it as the reply's attachment)."""
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    account = f"https://api.twilio.com/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}"
    media = f"{account}/Messages/MM1/Media/ME1"
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(REPLY_AT, tick=False),
    ):
        assert handle_reminder_reply(
            customer, MOBILE, "C", provider_message_id="SMpic", media=[(media, "image/jpeg")]
        )

    answer = Message.objects.get(provider_message_id="SMpic")
    assert answer.appointment_id == reminded.pk
    (fetch,) = DBTaskResult.objects.filter(task_path=fetch_text_media.module_path)
    assert fetch.args_kwargs["args"][:3] == [answer.pk, 0, media]
