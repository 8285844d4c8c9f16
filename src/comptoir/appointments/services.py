"""Booking, changing and answering appointments.

Staff services take the team member (``actor``: "manage orders" and the appointment's
location) and, for changes, the version they read (two people editing the same
appointment cannot both win silently). Each runs in one transaction, writes the
timeline event and schedules the reminder after commit (``reminders.schedule_reminder``).
The customer's answers to a reminder go through ``answer_reminder`` (see ``replies``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.appointments.events import record_event as _event
from comptoir.appointments.models import (
    MAX_REMINDER_HOURS,
    MIN_REMINDER_HOURS,
    Appointment,
    AppointmentEventKind,
    AppointmentSettings,
    AppointmentStatus,
)
from comptoir.appointments.selectors import appointment_settings
from comptoir.appointments.states import check_transition
from comptoir.appointments.tasks import schedule_reminder
from comptoir.customers.models import Customer
from comptoir.errors import Conflict, InvalidInput, NotFound
from comptoir.shop.models import Location
from comptoir.team.access import can_access_location, require, require_location
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

S = AppointmentStatus
SERVICE_NAME_MAX_LENGTH = 120

_EVENT_FOR: dict[AppointmentStatus, AppointmentEventKind] = {
    S.CONFIRMED: AppointmentEventKind.CONFIRMED,
    S.RESCHEDULE_REQUESTED: AppointmentEventKind.RESCHEDULE_REQUESTED,
    S.CANCELLED: AppointmentEventKind.CANCELLED,
    S.DONE: AppointmentEventKind.DONE,
    S.BOOKED: AppointmentEventKind.CHANGED,
}


@dataclass(frozen=True)
class AppointmentDetails:
    """What staff type when booking or editing."""

    service_name: str
    location_id: int
    starts_at: datetime | None
    staff_id: int | None = None
    notes: str = ""


def book_appointment(
    *, actor: TeamMember, customer_id: int, details: AppointmentDetails
) -> Appointment:
    """A new appointment for the customer, reminded ``reminder_hours`` before it starts."""
    require(actor, Permission.MANAGE_ORDERS)
    customer = Customer.objects.filter(pk=customer_id, erased_at__isnull=True).first()
    if customer is None:
        raise InvalidInput({"customer": _("Choose the customer.")}, code="no_customer")
    values = _clean(actor, details, now=timezone.now())
    with transaction.atomic():
        appointment = Appointment.objects.create(customer=customer, **values)
        _event(appointment, AppointmentEventKind.BOOKED, actor=actor, starts_at=values["starts_at"])
        schedule_reminder(appointment)
    return appointment


def update_appointment(
    *, actor: TeamMember, appointment_id: int, expected_version: int, details: AppointmentDetails
) -> Appointment:
    """Change the service, place, time, staff member or notes. A new time asks the
    customer again: the reminder is sent anew, and a requested reschedule is booked."""
    require(actor, Permission.MANAGE_ORDERS)
    values = _clean(actor, details, now=None)
    with transaction.atomic():
        appointment = _lock(actor, appointment_id, expected_version)
        if not appointment.is_upcoming:
            raise Conflict(
                _("A cancelled or past appointment cannot be changed: book a new one."),
                code="appointment_closed",
            )
        moved = values["starts_at"] != appointment.starts_at
        if moved and values["starts_at"] <= timezone.now():
            raise InvalidInput({"starts_at": _("Choose a time in the future.")})
        changed = {
            name: value for name, value in values.items() if getattr(appointment, name) != value
        }
        if moved:
            changed.update(reminder_sent_at=None, reminder_channel="", reminder_answered_at=None)
            if appointment.status == S.RESCHEDULE_REQUESTED:
                changed["status"] = S.BOOKED
        if not changed:
            return appointment
        for name, value in changed.items():
            setattr(appointment, name, value)
        appointment.version += 1
        appointment.save(update_fields=[*changed, "version", "updated_at"])
        _event(
            appointment,
            AppointmentEventKind.CHANGED,
            actor=actor,
            fields=sorted(name for name in changed if not name.startswith("reminder_")),
            starts_at=appointment.starts_at if moved else None,
        )
        if moved:
            schedule_reminder(appointment)
    return appointment


def confirm_appointment(
    *, actor: TeamMember, appointment_id: int, expected_version: int
) -> Appointment:
    return _staff_moves(actor, appointment_id, expected_version, S.CONFIRMED)


def request_reschedule(
    *, actor: TeamMember, appointment_id: int, expected_version: int
) -> Appointment:
    return _staff_moves(actor, appointment_id, expected_version, S.RESCHEDULE_REQUESTED)


def cancel_appointment(
    *, actor: TeamMember, appointment_id: int, expected_version: int
) -> Appointment:
    return _staff_moves(actor, appointment_id, expected_version, S.CANCELLED)


def mark_appointment_done(
    *, actor: TeamMember, appointment_id: int, expected_version: int
) -> Appointment:
    return _staff_moves(actor, appointment_id, expected_version, S.DONE)


def answer_reminder(
    *, appointment_id: int, target: AppointmentStatus, reply: str
) -> Appointment | None:
    """The customer answered the reminder (``replies``): the appointment moves to
    ``target`` and the reminder counts as answered. Call inside the transaction that
    records the reply. None when the appointment can no longer take that answer (it was
    answered, cancelled or changed meanwhile): the reply is then a message for staff."""
    appointment = Appointment.objects.select_for_update().filter(pk=appointment_id).first()
    if (
        appointment is None
        or appointment.reminder_answered_at is not None
        or not appointment.is_upcoming
    ):
        return None
    now = timezone.now()
    before = appointment.status
    if target != before:
        check_transition(before, target)
    appointment.status = target
    appointment.reminder_answered_at = now
    appointment.version += 1
    appointment.save(update_fields=["status", "reminder_answered_at", "version", "updated_at"])
    _event(
        appointment,
        _EVENT_FOR[target],
        actor=None,
        source="customer",
        from_status=before,
        reply=reply[:160],
    )
    return appointment


def update_reminder_hours(*, actor: TeamMember, hours: int) -> AppointmentSettings:
    """How long before an appointment its reminder goes out (for appointments booked or
    moved from now on; those already scheduled check the new time when their task runs)."""
    require(actor, Permission.MANAGE_SETTINGS)
    if isinstance(hours, bool) or not isinstance(hours, int):
        raise InvalidInput({"reminder_hours": _("Enter a number of hours.")})
    if not MIN_REMINDER_HOURS <= hours <= MAX_REMINDER_HOURS:
        raise InvalidInput(
            {
                "reminder_hours": _("Choose between %(min)s and %(max)s hours.")
                % {"min": MIN_REMINDER_HOURS, "max": MAX_REMINDER_HOURS}
            }
        )
    with transaction.atomic():
        row = appointment_settings()
        AppointmentSettings.objects.filter(pk=row.pk).update(
            reminder_hours=hours, updated_at=timezone.now()
        )
        row.refresh_from_db()
    return row


# --- shared steps ----------------------------------------------------------------------


def _staff_moves(
    actor: TeamMember, appointment_id: int, expected_version: int, target: AppointmentStatus
) -> Appointment:
    require(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic():
        appointment = _lock(actor, appointment_id, expected_version)
        before = appointment.status
        check_transition(before, target)
        appointment.status = target
        appointment.version += 1
        appointment.save(update_fields=["status", "version", "updated_at"])
        _event(appointment, _EVENT_FOR[target], actor=actor, from_status=before)
    return appointment


def _lock(actor: TeamMember, appointment_id: int, expected_version: int) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("customer", "location")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFound(_("No such appointment."))
    require_location(actor, appointment.location_id)
    if appointment.version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this appointment while you were looking at it: it is now "
                "%(status)s. Reload it to see the change, then try again."
            )
            % {"status": AppointmentStatus(appointment.status).label.lower()},
            code="version_conflict",
        )
    return appointment


def _clean(
    actor: TeamMember, details: AppointmentDetails, *, now: datetime | None
) -> dict[str, Any]:
    """The model's values from what staff typed, or InvalidInput naming each field."""
    errors: dict[str, str] = {}
    service_name = " ".join((details.service_name or "").split())
    if not service_name:
        errors["service_name"] = _("Name the service (e.g. “Haircut”).")
    elif len(service_name) > SERVICE_NAME_MAX_LENGTH:
        errors["service_name"] = _("Keep the service's name to %(max)s characters.") % {
            "max": SERVICE_NAME_MAX_LENGTH
        }
    location = Location.objects.filter(pk=details.location_id).first()
    if location is None or not can_access_location(actor, location):
        errors["location"] = _("Choose one of your locations.")
    starts_at = details.starts_at
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = _("Give the date and time of the appointment.")
    elif now is not None and starts_at <= now:
        errors["starts_at"] = _("Choose a time in the future.")
    staff = None
    if details.staff_id is not None:
        staff = TeamMember.objects.filter(pk=details.staff_id, is_active=True).first()
        if staff is None or (location is not None and not can_access_location(staff, location)):
            errors["staff"] = _("Choose a team member who works at this location.")
    if errors:
        raise InvalidInput(errors, code="invalid_appointment")
    return {
        "service_name": service_name,
        "location": location,
        "starts_at": starts_at,
        "staff": staff,
        "notes": (details.notes or "").strip(),
    }
