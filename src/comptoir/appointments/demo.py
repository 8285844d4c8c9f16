"""Demo appointments for ``comptoir seed-demo``: one booked for tomorrow (its reminder
waits), one whose text reminder the customer confirmed by replying "C" (the reply and
the acknowledgement are in their conversation), one they cancelled by replying
"annuler". Uses the development SMS backend: no provider account needed. Safe to run
again: what exists is left alone.

The demo seed calls ``seed_demo_appointments(owner=..., created=..., report=...)``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from comptoir.appointments.models import Appointment
from comptoir.appointments.reminders import send_reminder
from comptoir.appointments.replies import handle_reminder_reply
from comptoir.appointments.services import AppointmentDetails, book_appointment
from comptoir.consent.models import HowObtained
from comptoir.consent.services import attest_text_consent
from comptoir.customers.models import Customer
from comptoir.shop.models import Location
from comptoir.team.models import TeamMember

# (service, hours from now, the customer's reply to the reminder or None)
DEMO_APPOINTMENTS: list[tuple[str, int, str | None]] = [
    ("Atelier pâtisserie : pâte feuilletée", 30, None),
    ("Dégustation de galettes des rois", 20, "C"),
    ("Commande de pièce montée : rendez-vous conseil", 22, "annuler"),
]


def seed_demo_appointments(
    *, owner: TeamMember, created: dict[str, int], report: Callable[[str], object]
) -> None:
    created.setdefault("appointments", 0)
    location = Location.objects.order_by("position", "pk").first()
    customers = list(
        Customer.objects.filter(erased_at__isnull=True).exclude(mobile="").order_by("pk")[:3]
    )
    if location is None or len(customers) < len(DEMO_APPOINTMENTS):
        report("Demo appointments skipped: no location or too few customers with a mobile.")
        return
    now = timezone.now()
    for (service, hours, reply), customer in zip(DEMO_APPOINTMENTS, customers, strict=True):
        if Appointment.objects.filter(service_name=service).exists():
            continue
        if reply is not None:
            attest_text_consent(actor=owner, customer=customer, how_obtained=HowObtained.IN_PERSON)
        appointment = book_appointment(
            actor=owner,
            customer_id=customer.pk,
            details=AppointmentDetails(
                service_name=service,
                location_id=location.pk,
                starts_at=(now + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0),
                staff_id=owner.pk,
            ),
        )
        created["appointments"] += 1
        if reply is not None:
            # Due already (less than the reminder delay ahead): sent now, then answered.
            send_reminder(appointment.pk)
            handle_reminder_reply(customer, customer.mobile, reply)
    report("Demo appointments: Dashboard > Appointments (one confirmed, one cancelled by text).")
