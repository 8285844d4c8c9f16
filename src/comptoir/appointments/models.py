"""Appointments: a customer booked for a service at a location, reminded by text or email a
configurable time before, who may answer the reminder to confirm, reschedule or cancel."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A reminder can be sent from one hour to a week before the appointment.
MIN_REMINDER_HOURS = 1
MAX_REMINDER_HOURS = 7 * 24
DEFAULT_REMINDER_HOURS = 24


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", pgettext_lazy("appointment", "Confirmed")
    RESCHEDULE_REQUESTED = "reschedule", _("Reschedule requested")
    CANCELLED = "cancelled", pgettext_lazy("appointment", "Cancelled")
    DONE = "done", _("Done")


# Still ahead: a reminder is sent and answered only for these.
UPCOMING = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.RESCHEDULE_REQUESTED,
)


class AppointmentSettings(models.Model):
    """The shop's one row of appointment settings (``selectors.appointment_settings``)."""

    reminder_hours = models.PositiveSmallIntegerField(
        _("send the reminder (hours before)"),
        default=DEFAULT_REMINDER_HOURS,
        validators=[MinValueValidator(MIN_REMINDER_HOURS), MaxValueValidator(MAX_REMINDER_HOURS)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("appointment settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Appointment(models.Model):
    service_name = models.CharField(_("service"), max_length=120)
    staff = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("with"),
    )
    location = models.ForeignKey(
        "shop.Location",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("location"),
    )
    starts_at = models.DateTimeField(_("starts"))
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    notes = models.TextField(_("notes"), blank=True)
    # The reminder: when it went out and on which channel; answered once the customer
    # replied to it (until then a reply to it is read as an answer: "pending").
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    reminder_channel = models.CharField(_("reminder channel"), max_length=8, blank=True)
    reminder_answered_at = models.DateTimeField(_("reminder answered"), null=True, blank=True)
    # Optimistic concurrency: an edit must name the version it read.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["location", "starts_at"], name="appointment_location_idx"),
            models.Index(fields=["customer", "-reminder_sent_at"], name="appointment_reminder_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_name} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def is_upcoming(self) -> bool:
        return self.status in UPCOMING


class AppointmentEventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHANGED = "changed", _("Changed")
    CONFIRMED = "confirmed", pgettext_lazy("appointment", "Confirmed")
    RESCHEDULE_REQUESTED = "reschedule", _("Reschedule requested")
    CANCELLED = "cancelled", pgettext_lazy("appointment", "Cancelled")
    DONE = "done", _("Marked done")
    REMINDER_SENT = "reminder_sent", _("Reminder sent")
    REMINDER_NOT_SENT = "reminder_skipped", _("Reminder not sent")


class AppointmentEvent(models.Model):
    """The appointment's timeline: who did what when (staff, or the customer by a reply)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=AppointmentEventKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # "staff", "customer" (a reply) or "system" (the reminder task).
    source = models.CharField(_("source"), max_length=10, default="staff")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("appointment event")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.kind
