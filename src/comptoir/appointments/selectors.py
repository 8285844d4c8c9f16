"""Reading appointments, scoped to who asks."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.appointments.models import (
    DEFAULT_REMINDER_HOURS,
    UPCOMING,
    Appointment,
    AppointmentSettings,
)
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.errors import NotFound
from comptoir.messaging.models import Channel
from comptoir.shop.selectors import get_shop
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember


def appointment_settings() -> AppointmentSettings:
    """The shop's one settings row (created with the defaults on first use)."""
    settings_row = AppointmentSettings.objects.order_by("pk").first()
    if settings_row is None:
        settings_row, _created = AppointmentSettings.objects.get_or_create(
            pk=1, defaults={"reminder_hours": DEFAULT_REMINDER_HOURS}
        )
    return settings_row


def appointments_visible_to(member: TeamMember) -> QuerySet[Appointment]:
    """The appointments at the locations ``member`` works at."""
    rows = Appointment.objects.select_related("customer", "location", "staff__user")
    allowed = visible_location_ids(member)
    if allowed is not None:
        rows = rows.filter(location_id__in=allowed)
    return rows


def appointment_for_staff(member: TeamMember, appointment_id: int) -> Appointment:
    appointment = appointments_visible_to(member).filter(pk=appointment_id).first()
    if appointment is None:
        raise NotFound(_("No such appointment."))
    return appointment


def appointments_at(
    member: TeamMember,
    *,
    location_id: int | None,
    since: datetime | None = None,
    include_past: bool = False,
) -> QuerySet[Appointment]:
    """One location's (or every visible location's) appointments in time order: from
    ``since`` (default: the start of today) unless ``include_past``."""
    rows = appointments_visible_to(member)
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
    if not include_past:
        if since is None:
            since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        rows = rows.filter(starts_at__gte=since)
    return rows.order_by("starts_at", "pk")


def pending_reminder(customer: Customer, *, now: datetime | None = None) -> Appointment | None:
    """The appointment whose text reminder the customer has not answered yet (the latest
    one sent, for an appointment still ahead), or None."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            customer=customer,
            status__in=UPCOMING,
            reminder_channel=Channel.SMS,
            reminder_sent_at__isnull=False,
            reminder_answered_at__isnull=True,
            starts_at__gt=now,
        )
        .order_by("-reminder_sent_at", "-pk")
        .first()
    )


def customer_for_booking(query: str) -> Customer | None:
    """The customer staff named when booking: their customer number, email address or
    phone number (mobile or phone, as typed locally or in E.164). Erased records never."""
    query = (query or "").strip()
    if not query:
        return None
    records = Customer.objects.filter(erased_at__isnull=True)
    if "@" in query:
        return records.filter(email__iexact=query).first()
    digits = query.lstrip("#")
    if digits.isdigit() and len(digits) < 9:
        return records.filter(pk=int(digits)).first()
    try:
        number = to_e164(query, get_shop().country)
    except InvalidPhone:
        return None
    return records.filter(Q(mobile=number) | Q(phone=number)).order_by("pk").first()


CUSTOMER_PROFILE_LIMIT = 10


def customer_appointments(
    member: TeamMember,
    customer: Customer,
    *,
    now: datetime | None = None,
    limit: int = CUSTOMER_PROFILE_LIMIT,
) -> tuple[list[Appointment], list[Appointment]]:
    """A customer's appointments at the locations ``member`` works at, for their profile:
    the ``limit`` next ones (soonest first) and the ``limit`` latest past ones (latest
    first). Two queries, however many there are."""
    now = now or timezone.now()
    theirs = appointments_visible_to(member).filter(customer=customer)
    upcoming = list(theirs.filter(starts_at__gte=now).order_by("starts_at", "pk")[:limit])
    past = list(theirs.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:limit])
    return upcoming, past
