"""Booking and changing appointments: who may, what is checked, the timeline, the
version that stops two people overwriting each other."""

from datetime import timedelta

import pytest
import time_machine

from comptoir.appointments import services
from comptoir.appointments.models import Appointment, AppointmentEvent, AppointmentStatus
from comptoir.appointments.reminders import send_reminder
from comptoir.appointments.selectors import appointment_settings
from comptoir.errors import Conflict, InvalidInput, PermissionDenied
from comptoir.team.permissions import Permission
from tests.appointments.conftest import NOW, START
from tests.factories import LocationFactory

S = AppointmentStatus


def details(location, **changes):
    values = {"service_name": "Haircut", "location_id": location.pk, "starts_at": START}
    values.update(changes)
    return services.AppointmentDetails(**values)


@pytest.mark.django_db
def test_booking_records_the_appointment_and_its_event(customer, manager, location):
    with time_machine.travel(NOW, tick=False):
        appointment = services.book_appointment(
            actor=manager,
            customer_id=customer.pk,
            details=details(location, service_name="  Colour   and cut ", staff_id=manager.pk),
        )
    appointment.refresh_from_db()
    assert appointment.service_name == "Colour and cut"
    assert (appointment.status, appointment.staff, appointment.starts_at) == (
        S.BOOKED,
        manager,
        START,
    )
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert (event.kind, event.actor) == ("booked", manager)


@pytest.mark.django_db
def test_booking_needs_manage_orders_and_changes_nothing_without(customer, make_member, location):
    viewer = make_member(permissions=[Permission.VIEW_ORDERS])
    with pytest.raises(PermissionDenied):
        services.book_appointment(actor=viewer, customer_id=customer.pk, details=details(location))
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_member_books_only_at_their_locations(customer, make_member, location):
    elsewhere = LocationFactory()
    member = make_member(permissions=[Permission.MANAGE_ORDERS], locations=[elsewhere])
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidInput) as refused:
        services.book_appointment(actor=member, customer_id=customer.pk, details=details(location))
    assert refused.value.errors == {"location": "Choose one of your locations."}
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_booking_checks_each_field(customer, manager, location):
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidInput) as refused:
        services.book_appointment(
            actor=manager,
            customer_id=customer.pk,
            details=details(location, service_name=" ", starts_at=NOW - timedelta(hours=1)),
        )
    assert set(refused.value.errors) == {"service_name", "starts_at"}
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidInput) as refused:
        services.book_appointment(actor=manager, customer_id=0, details=details(location))
    assert set(refused.value.errors) == {"customer"}
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_staff_confirm_cancel_and_mark_done(customer, manager, book):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    confirmed = services.confirm_appointment(
        actor=manager, appointment_id=appointment.pk, expected_version=1
    )
    assert (confirmed.status, confirmed.version) == (S.CONFIRMED, 2)
    done = services.mark_appointment_done(
        actor=manager, appointment_id=appointment.pk, expected_version=2
    )
    assert done.status == S.DONE
    with pytest.raises(Conflict) as refused:
        services.cancel_appointment(
            actor=manager, appointment_id=appointment.pk, expected_version=3
        )
    assert refused.value.code == "invalid_transition"
    assert Appointment.objects.get(pk=appointment.pk).status == S.DONE


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_changes_nothing(customer, manager, book):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    services.confirm_appointment(actor=manager, appointment_id=appointment.pk, expected_version=1)
    with pytest.raises(Conflict) as refused:
        services.cancel_appointment(
            actor=manager, appointment_id=appointment.pk, expected_version=1
        )
    assert refused.value.code == "version_conflict"
    assert "it is now confirmed" in refused.value.message
    assert Appointment.objects.get(pk=appointment.pk).status == S.CONFIRMED


@pytest.mark.django_db
def test_a_new_time_books_a_requested_reschedule_and_reminds_again(
    customer, textable, manager, book, location
):
    textable(customer)
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        send_reminder(appointment.pk)
        services.request_reschedule(
            actor=manager, appointment_id=appointment.pk, expected_version=1
        )
        later = START + timedelta(days=7)
        moved = services.update_appointment(
            actor=manager,
            appointment_id=appointment.pk,
            expected_version=2,
            details=details(location, starts_at=later),
        )
    assert (moved.status, moved.starts_at, moved.reminder_sent_at) == (S.BOOKED, later, None)
    with time_machine.travel(later - timedelta(hours=24), tick=False):
        assert send_reminder(appointment.pk).text == "sent by sms"


@pytest.mark.django_db
def test_a_cancelled_appointment_cannot_be_edited(customer, manager, book, location):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
        services.cancel_appointment(
            actor=manager, appointment_id=appointment.pk, expected_version=1
        )
        with pytest.raises(Conflict):
            services.update_appointment(
                actor=manager,
                appointment_id=appointment.pk,
                expected_version=2,
                details=details(location, service_name="Other"),
            )
    assert Appointment.objects.get(pk=appointment.pk).service_name == "Haircut"


@pytest.mark.django_db
def test_the_reminder_delay_is_a_setting_of_the_owner(owner_member, manager):
    assert services.update_reminder_hours(actor=owner_member, hours=3).reminder_hours == 3
    with pytest.raises(InvalidInput):
        services.update_reminder_hours(actor=owner_member, hours=0)
    with pytest.raises(PermissionDenied):
        services.update_reminder_hours(actor=manager, hours=12)
    assert appointment_settings().reminder_hours == 3
