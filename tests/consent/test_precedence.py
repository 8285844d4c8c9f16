"""The precedence of inbound keywords: a single opt-out word always opts out, whatever is
pending (CANCEL during a pending reminder opts out and leaves the appointment as it
was); then a yes to a pending opt-in request; then an answer to a pending appointment
reminder; anything else is a message for staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.appointments.models import Appointment, AppointmentStatus
from comptoir.appointments.reminders import send_reminder
from comptoir.appointments.services import AppointmentDetails, book_appointment
from comptoir.consent.models import HowObtained, MarketingOptIn, TextSubscription
from comptoir.consent.services import attest_text_consent, request_marketing_opt_in
from comptoir.messaging.models import Direction, MessageKind
from comptoir.team.permissions import Permission
from tests.consent.fixtures import MOBILE, messages_of
from tests.factories import LocationFactory


@pytest.fixture
def reminded(make_member, messenger, customer, shop):
    """An appointment of ``customer`` whose text reminder was sent and not answered."""
    attest_text_consent(actor=messenger, customer=customer, how_obtained=HowObtained.IN_PERSON)
    manager = make_member(permissions=[Permission.MANAGE_ORDERS])
    appointment = book_appointment(
        actor=manager,
        customer_id=customer.pk,
        details=AppointmentDetails(
            service_name="Haircut",
            location_id=LocationFactory().pk,
            starts_at=timezone.now() + timedelta(hours=3),
        ),
    )
    assert send_reminder(appointment.pk).text == "sent by sms"
    return appointment


def test_cancel_during_a_pending_reminder_opts_out_and_leaves_the_appointment(
    reminded, text_in, customer
):
    text_in("CANCEL")

    assert TextSubscription.objects.get(number=MOBILE).opted_out_at is not None
    appointment = Appointment.objects.get(pk=reminded.pk)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.reminder_answered_at is None


def test_an_answer_to_the_reminder_updates_the_appointment(reminded, text_in, customer):
    text_in("X")

    assert Appointment.objects.get(pk=reminded.pk).status == AppointmentStatus.CANCELLED
    assert TextSubscription.objects.get(number=MOBILE).opted_out_at is None
    reply = [m for m in messages_of(customer) if m.direction == Direction.INBOUND][-1]
    assert reply.body == "X" and reply.appointment_id == reminded.pk


def test_a_yes_answers_the_pending_opt_in_before_the_reminder(
    reminded, messenger, text_in, customer
):
    request_marketing_opt_in(actor=messenger, customer=customer)

    text_in("yes")

    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.marketing_state == MarketingOptIn.SECOND_REQUEST_SENT
    assert Appointment.objects.get(pk=reminded.pk).status == AppointmentStatus.BOOKED

    # With no opt-in pending any more, the next yes... is the second step of the opt-in;
    # once confirmed, "yes" answers the reminder.
    text_in("yes")
    assert TextSubscription.objects.get(number=MOBILE).marketing_state == MarketingOptIn.CONFIRMED
    text_in("oui")
    assert Appointment.objects.get(pk=reminded.pk).status == AppointmentStatus.CONFIRMED


def test_an_unrecognised_reply_is_a_message_for_staff(reminded, text_in, customer):
    text_in("Can I bring my daughter?")

    reply = [m for m in messages_of(customer) if m.direction == Direction.INBOUND][-1]
    assert reply.kind == MessageKind.CUSTOMER and reply.appointment_id is None
    assert Appointment.objects.get(pk=reminded.pk).status == AppointmentStatus.BOOKED
