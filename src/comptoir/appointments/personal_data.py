"""What the customer export, erasure and merge do with appointments (wired by
``customers``: this module only answers for the appointments app).

- ``appointments_of``: every appointment of the customer with its history (the
  customer's replies to reminders included), for the JSON export. Which team member
  booked or changed it is the team's data, left out like everywhere in the export.
- ``erase_for``: appointments are anonymised, not deleted: they stay on the erased record
  (the shop's schedule history: service, place, time, status) without their notes or the
  text of the customer's replies; those still ahead are cancelled, so that no reminder
  goes out to nobody.
- Merge: ``Appointment`` is a follower of the customer record
  (``customers.services.merging.FOLLOWERS``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from comptoir.appointments.models import (
    UPCOMING,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentStatus,
)
from comptoir.customers.models import Customer


def _value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def appointments_of(customer: Customer) -> list[dict[str, Any]]:
    rows = (
        Appointment.objects.filter(customer=customer)
        .select_related("location")
        .prefetch_related("events")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "service": appointment.service_name,
            "location": appointment.location.name,
            "starts_at": _value(appointment.starts_at),
            "status": appointment.status,
            "notes": appointment.notes,
            "reminder_sent_at": _value(appointment.reminder_sent_at),
            "reminder_channel": appointment.reminder_channel,
            "reminder_answered_at": _value(appointment.reminder_answered_at),
            "created_at": _value(appointment.created_at),
            "history": [
                {
                    "event": event.kind,
                    "at": _value(event.at),
                    "by": event.source,
                    **({"reply": event.detail["reply"]} if "reply" in event.detail else {}),
                }
                for event in sorted(appointment.events.all(), key=lambda e: (e.at, e.pk))
            ],
        }
        for appointment in rows
    ]


def erase_for(customer: Customer) -> int:
    """Anonymise the customer's appointments (see the module's doc); returns how many."""
    rows = Appointment.objects.filter(customer=customer)
    ahead = list(rows.filter(status__in=UPCOMING).values_list("pk", flat=True))
    now = timezone.now()
    if ahead:
        Appointment.objects.filter(pk__in=ahead).update(
            status=AppointmentStatus.CANCELLED, updated_at=now
        )
        AppointmentEvent.objects.bulk_create(
            AppointmentEvent(
                appointment_id=pk,
                kind=AppointmentEventKind.CANCELLED,
                at=now,
                source="system",
                detail={"erased": True},
            )
            for pk in ahead
        )
    # The customer's reply texts live in the events' detail: dropped with the notes.
    for event in AppointmentEvent.objects.filter(
        appointment__customer=customer, detail__has_key="reply"
    ):
        event.detail.pop("reply", None)
        event.save(update_fields=["detail"])
    return rows.update(notes="", updated_at=now)
