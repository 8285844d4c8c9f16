"""The reminder sent before an appointment, by text or email, in the customer's language.

``send_reminder`` is what the ``send_appointment_reminder`` task runs (scheduled at
``starts_at - reminder_hours`` by ``tasks.schedule_reminder``). It is safe to run twice:
the appointment row is locked and ``reminder_sent_at`` stamped in the transaction that
writes the queued message (``messaging.services.send_message``), which the messaging
task then sends.

The channel is the one the customer most recently received a receipt or a reminder on;
without one, a text when they have a mobile number and agreed to texts (checkout box,
texting the shop, or a team member's confirmation), else an email. A channel that is
refused (a STOPped number, no address) falls back to the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from comptoir.appointments.events import record_event
from comptoir.appointments.models import (
    Appointment,
    AppointmentEventKind,
    AppointmentStatus,
)
from comptoir.appointments.selectors import appointment_settings
from comptoir.consent.rules import text_refusal
from comptoir.customers.models import Customer
from comptoir.errors import DomainError
from comptoir.messaging.models import Channel, Message, MessageKind
from comptoir.messaging.selectors import last_notification_channel, sms_number
from comptoir.messaging.services import send_message
from comptoir.shop.selectors import get_shop, language_for

# A task that runs a little early (clock drift, the worker's poll) still sends.
EARLY_TOLERANCE = timedelta(minutes=1)

# Reminders are sent for these; a requested reschedule waits for the staff's new time.
REMINDED = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


@dataclass(frozen=True)
class ReminderOutcome:
    """What the task did, and when to run again if the reminder is not due yet."""

    text: str
    retry_at: datetime | None = None


def reminder_due_at(appointment: Appointment, hours: int | None = None) -> datetime:
    if hours is None:
        hours = appointment_settings().reminder_hours
    return appointment.starts_at - timedelta(hours=hours)


def send_reminder(appointment_id: int) -> ReminderOutcome:
    now = timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("customer", "location")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None:
            return ReminderOutcome("no such appointment")
        if appointment.reminder_sent_at is not None:
            return ReminderOutcome("already sent")
        if appointment.status not in REMINDED:
            return ReminderOutcome(f"not sent: the appointment is {appointment.status}")
        if appointment.starts_at <= now:
            return ReminderOutcome("not sent: the appointment has started")
        due = reminder_due_at(appointment)
        if now < due - EARLY_TOLERANCE:
            # The time or the setting changed since the task was scheduled.
            return ReminderOutcome("not due yet", retry_at=due)
        message = _send(appointment)
        if message is None:
            record_event(
                appointment, AppointmentEventKind.REMINDER_NOT_SENT, actor=None, source="system"
            )
            return ReminderOutcome("not sent: no channel reaches the customer")
        appointment.reminder_sent_at = now
        appointment.reminder_channel = message.channel
        appointment.reminder_answered_at = None
        appointment.save(
            update_fields=[
                "reminder_sent_at",
                "reminder_channel",
                "reminder_answered_at",
                "updated_at",
            ]
        )
        record_event(
            appointment,
            AppointmentEventKind.REMINDER_SENT,
            actor=None,
            source="system",
            channel=message.channel,
            message_id=message.pk,
        )
    return ReminderOutcome(f"sent by {message.channel}")


def _send(appointment: Appointment) -> Message | None:
    customer = appointment.customer
    for channel in channels_for(customer):
        body, subject = reminder_text(appointment, channel)
        try:
            with transaction.atomic():
                return send_message(
                    actor=None,
                    customer=customer,
                    channel=channel,
                    body=body,
                    subject=subject,
                    kind=MessageKind.REMINDER,
                    appointment_id=appointment.pk,
                )
        except DomainError:
            # No number or address, or a refused text: try the other channel.
            continue
    return None


def may_text(customer: Customer) -> bool:
    """A number on file (mobile, else phone) that agreed to texts and did not reply STOP."""
    number = sms_number(customer)
    if not number:
        return False
    return text_refusal(customer=customer, number=number, staff_initiated=True) is None


def channels_for(customer: Customer) -> list[str]:
    """The channels to try, best first."""
    last = last_notification_channel(customer)
    if last is None:
        last = Channel.SMS if may_text(customer) else Channel.EMAIL
    other = Channel.EMAIL if last == Channel.SMS else Channel.SMS
    channels = [last]
    if other == Channel.EMAIL or may_text(customer):
        channels.append(other)
    return channels


def reminder_text(appointment: Appointment, channel: str) -> tuple[str, str]:
    """(body, subject) of the reminder in the customer's language; the text version asks
    for a one-letter answer, the email one for a reply."""
    shop = get_shop()
    language = language_for(shop, appointment.customer.language)
    location = appointment.location
    with translation.override(language), timezone.override(location.time_zone):
        start = timezone.localtime(appointment.starts_at)
        values = {
            "shop": shop.name,
            "service": appointment.service_name,
            "location": location.name,
            "date": formats.date_format(start, "DATE_FORMAT"),
            "time": formats.time_format(start, "TIME_FORMAT"),
        }
        if channel == Channel.SMS:
            body = (
                _(
                    "%(shop)s: reminder of your appointment on %(date)s at %(time)s, "
                    "%(service)s at %(location)s. Reply C to confirm, R to reschedule, X to cancel."
                )
                % values
            )
            return body, ""
        subject = _("Reminder: your appointment on %(date)s at %(time)s") % values
        address = ", ".join(
            part for part in (location.address_line1, location.postal_code, location.city) if part
        )
        body = (
            _(
                "This is a reminder of your appointment on %(date)s at %(time)s: %(service)s at "
                "%(location)s."
            )
            % values
        )
        if address:
            body += "\n" + address
        body += "\n\n" + _(
            "To confirm, change or cancel it, reply to this email. We look forward to seeing you."
        )
        return body, subject
