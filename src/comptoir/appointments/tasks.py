"""Background tasks of the appointments app: the reminder, scheduled at its due time."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from comptoir.appointments.models import Appointment
from comptoir.appointments.reminders import reminder_due_at, send_reminder
from comptoir.jobs.dispatch import deferred, enqueue_after_commit
from comptoir.jobs.retry import retrying


@retrying(max_attempts=5, base_delay_seconds=30, max_delay_seconds=900)
def send_appointment_reminder(appointment_id: int) -> str:
    outcome = send_reminder(appointment_id)
    # A backend that cannot defer (tests' ImmediateBackend) would run it again at once.
    if outcome.retry_at is not None and send_appointment_reminder.get_backend().supports_defer:
        _enqueue(appointment_id, outcome.retry_at)
    return outcome.text


def schedule_reminder(appointment: Appointment) -> None:
    """Enqueue the reminder after commit, to run ``reminder_hours`` before the start (at
    once when that moment has passed). A task left from an older time finds the reminder
    not due (and schedules itself again) or already sent: each is sent once."""
    _enqueue(appointment.pk, reminder_due_at(appointment))


def _enqueue(appointment_id: int, run_after: datetime) -> None:
    due = run_after if run_after > timezone.now() else None  # past: at once
    enqueue_after_commit(deferred(send_appointment_reminder, due), appointment_id)
