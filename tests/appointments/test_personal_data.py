"""Appointments in the customer's data export, anonymised by erasure (those ahead
cancelled), moved by a merge."""

from datetime import timedelta

import pytest
import time_machine

from comptoir.appointments.models import Appointment, AppointmentEvent, AppointmentStatus
from comptoir.appointments.reminders import send_reminder
from comptoir.appointments.replies import handle_reminder_reply
from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.team.permissions import Permission
from tests.appointments.conftest import MOBILE, NOW, START
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(customer, textable, book):
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer, notes="Allergic to ammonia")
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        send_reminder(appointment.pk)
        assert handle_reminder_reply(customer, MOBILE, "oui")
    return appointment


def test_the_export_lists_appointments_with_the_customers_replies(customer, answered):
    (exported,) = personal_data(customer)["appointments"]
    assert exported["service"] == "Haircut" and exported["location"] == "Martyrs"
    assert exported["starts_at"] == START.isoformat()
    assert exported["status"] == AppointmentStatus.CONFIRMED
    assert exported["notes"] == "Allergic to ammonia"
    assert exported["reminder_channel"] == "sms"
    assert [e["event"] for e in exported["history"]] == ["booked", "reminder_sent", "confirmed"]
    assert exported["history"][-1] == {
        "event": "confirmed",
        "at": exported["history"][-1]["at"],
        "by": "customer",
        "reply": "oui",
    }


def test_erasure_keeps_the_appointment_without_notes_or_replies_and_cancels_it(
    customer, answered, make_member
):
    eraser = make_member(permissions=[Permission.MANAGE_CUSTOMERS])
    with time_machine.travel(START - timedelta(hours=20), tick=False):
        erase_customer(actor=eraser, customer_id=customer.pk, gateway=None)
    appointment = Appointment.objects.get(pk=answered.pk)
    assert appointment.customer_id == customer.pk  # the erased record
    assert appointment.notes == ""
    assert appointment.status == AppointmentStatus.CANCELLED
    assert not AppointmentEvent.objects.filter(detail__has_key="reply").exists()
    assert "oui" not in str(personal_data(customer)["appointments"])


def test_a_merge_moves_the_appointments(customer, book, make_member):
    other = CustomerFactory(first_name="Hélène", last_name="Martin")
    with time_machine.travel(NOW, tick=False):
        appointment = book(other)
    merger = make_member(permissions=[Permission.MANAGE_CUSTOMERS])
    merge_customers(actor=merger, kept_id=customer.pk, merged_id=other.pk)
    assert Appointment.objects.get(pk=appointment.pk).customer_id == customer.pk
