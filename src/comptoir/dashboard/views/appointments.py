"""Appointments in the back office: the upcoming ones per location, booking, editing,
confirming, cancelling or marking done, and the reminder delay.

Seeing them needs "View orders"; booking and changing them "Manage orders" (the staff
who take orders at a location are those who take its bookings); the reminder delay is a
shop setting ("Manage settings"). The appointment is named by ``?appointment=<id>`` (GET)
or the ``appointment`` field (POST), scoped to the member's locations by the selector."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.appointments import selectors, services
from comptoir.appointments.models import (
    MAX_REMINDER_HOURS,
    MIN_REMINDER_HOURS,
    Appointment,
    AppointmentStatus,
)
from comptoir.appointments.states import can_move
from comptoir.customers.models import Customer
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, InvalidInput, NotFound
from comptoir.shop.models import Location
from comptoir.shop.selectors import locations_for_staff
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

S = AppointmentStatus
LIST_LIMIT = 200

# The status buttons: action -> (service, target status, label).
ACTIONS = {
    "confirm": (services.confirm_appointment, S.CONFIRMED, gettext_lazy("Confirm")),
    "reschedule": (
        services.request_reschedule,
        S.RESCHEDULE_REQUESTED,
        gettext_lazy("Needs a new time"),
    ),
    "done": (services.mark_appointment_done, S.DONE, gettext_lazy("Mark done")),
    "cancel": (services.cancel_appointment, S.CANCELLED, gettext_lazy("Cancel")),
}


def _with_errors(form: forms.Form, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, str(message))
    else:
        form.add_error(None, str(error.message))


class AppointmentForm(forms.Form):
    customer = forms.CharField(
        label=gettext_lazy("Customer"),
        max_length=254,
        help_text=gettext_lazy("Their customer number, email address or phone number."),
    )
    service_name = forms.CharField(label=gettext_lazy("Service"), max_length=120)
    location = forms.TypedChoiceField(label=gettext_lazy("Location"), coerce=int)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("In the location's time zone."),
    )
    staff = forms.TypedChoiceField(
        label=gettext_lazy("With"), coerce=int, required=False, empty_value=None
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, member: TeamMember, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.locations = {location.pk: location for location in locations_for_staff(member)}
        location_field = self.fields["location"]
        assert isinstance(location_field, forms.TypedChoiceField)
        location_field.choices = [
            (location.pk, location.name) for location in self.locations.values()
        ]
        team = TeamMember.objects.filter(is_active=True).select_related("user").order_by("pk")
        staff_field = self.fields["staff"]
        assert isinstance(staff_field, forms.TypedChoiceField)
        staff_field.choices = [("", _("Anyone")), *((m.pk, str(m)) for m in team)]
        if editing:
            self.fields["customer"].disabled = True
            self.fields["customer"].required = False
        self.customer_record: Customer | None = None

    def clean_customer(self) -> str:
        query = self.cleaned_data.get("customer", "")
        if self.fields["customer"].disabled:
            return query
        self.customer_record = selectors.customer_for_booking(query)
        if self.customer_record is None:
            raise forms.ValidationError(
                _("No customer has this number, email or phone: add them in Customers first.")
            )
        return query

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_at, location_id = cleaned.get("starts_at"), cleaned.get("location")
        location = self.locations.get(location_id) if location_id else None
        if isinstance(starts_at, datetime) and location is not None:
            # Typed as the location's wall-clock time, whatever the server's zone.
            naive = starts_at.replace(tzinfo=None) if timezone.is_aware(starts_at) else starts_at
            cleaned["starts_at"] = timezone.make_aware(naive, ZoneInfo(location.time_zone))
        return cleaned

    def details(self) -> services.AppointmentDetails:
        data = self.cleaned_data
        return services.AppointmentDetails(
            service_name=data["service_name"],
            location_id=data["location"],
            starts_at=data["starts_at"],
            staff_id=data.get("staff"),
            notes=data.get("notes", ""),
        )


class ReminderSettingsForm(forms.Form):
    reminder_hours = forms.IntegerField(
        label=gettext_lazy("Send the reminder this many hours before"),
        min_value=MIN_REMINDER_HOURS,
        max_value=MAX_REMINDER_HOURS,
    )


def _initial(appointment: Appointment) -> dict[str, Any]:
    zone = ZoneInfo(appointment.location.time_zone)
    return {
        "customer": str(appointment.customer),
        "service_name": appointment.service_name,
        "location": appointment.location_id,
        "starts_at": timezone.localtime(appointment.starts_at, zone).replace(tzinfo=None),
        "staff": appointment.staff_id,
        "notes": appointment.notes,
        "version": appointment.version,
    }


def _appointment_id(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise NotFound(_("No such appointment.")) from None


def _edit_url(appointment: Appointment) -> str:
    return f"{reverse('dashboard:appointment_edit')}?appointment={appointment.pk}"


# --- pages ------------------------------------------------------------------------------


@staff_view(Permission.VIEW_ORDERS)
@require_GET
def appointment_list(request: StaffRequest) -> HttpResponse:
    locations = list(locations_for_staff(request.member))
    location: Location | None = None
    chosen = request.GET.get("location", "")
    if chosen.isdigit():
        location = next((loc for loc in locations if loc.pk == int(chosen)), None)
    rows = list(
        selectors.appointments_at(request.member, location_id=location.pk if location else None)[
            :LIST_LIMIT
        ]
    )
    return render(
        request,
        "dashboard/appointments/appointment_list.html",
        {
            "appointments": rows,
            "locations": locations,
            "location": location,
            "limit": LIST_LIMIT,
            "can_manage": request.member.has_permission(Permission.MANAGE_ORDERS),
            "can_set_reminders": request.member.has_permission(Permission.MANAGE_SETTINGS),
            "reminder_hours": selectors.appointment_settings().reminder_hours,
        },
    )


@staff_view(Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def appointment_create(request: StaffRequest) -> HttpResponse:
    if request.method == "POST":
        form = AppointmentForm(request.POST, member=request.member)
        status = 400
        if form.is_valid():
            assert form.customer_record is not None
            try:
                appointment = services.book_appointment(
                    actor=request.member,
                    customer_id=form.customer_record.pk,
                    details=form.details(),
                )
            except DomainError as error:
                _with_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The appointment is booked."))
                return redirect(_edit_url(appointment))
    else:
        initial: dict[str, Any] = {}
        customer_id = request.GET.get("customer", "")
        if customer_id.isdigit():
            initial["customer"] = customer_id
        form = AppointmentForm(initial=initial, member=request.member)
        status = 200
    return render(
        request,
        "dashboard/appointments/appointment_form.html",
        {"form": form, "appointment": None},
        status=status,
    )


@staff_view(Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def appointment_edit(request: StaffRequest) -> HttpResponse:
    raw = request.POST.get("appointment") if request.method == "POST" else None
    appointment = selectors.appointment_for_staff(
        request.member, _appointment_id(raw or request.GET.get("appointment"))
    )
    status = 200
    if request.method == "POST":
        form = AppointmentForm(
            request.POST, member=request.member, editing=True, initial=_initial(appointment)
        )
        status = 400
        if form.is_valid():
            try:
                services.update_appointment(
                    actor=request.member,
                    appointment_id=appointment.pk,
                    expected_version=form.cleaned_data.get("version") or 0,
                    details=form.details(),
                )
            except DomainError as error:
                _with_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The appointment is saved."))
                return redirect(_edit_url(appointment))
    else:
        form = AppointmentForm(initial=_initial(appointment), member=request.member, editing=True)
    return render(
        request,
        "dashboard/appointments/appointment_form.html",
        {
            "form": form,
            "appointment": appointment,
            "events": list(appointment.events.select_related("actor__user").order_by("at", "pk")),
            "actions": [
                (name, label)
                for name, (_service, target, label) in ACTIONS.items()
                if can_move(appointment.status, target)
            ],
        },
        status=status,
    )


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def appointment_status(request: StaffRequest) -> HttpResponse:
    appointment = selectors.appointment_for_staff(
        request.member, _appointment_id(request.POST.get("appointment"))
    )
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do with the appointment."))
        return redirect(_edit_url(appointment))
    service, _target, _label = action
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        changed = service(
            actor=request.member, appointment_id=appointment.pk, expected_version=version
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The appointment is now %(status)s.")
            % {"status": AppointmentStatus(changed.status).label.lower()},
        )
    return redirect(_edit_url(appointment))


@staff_view(Permission.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def appointment_settings(request: StaffRequest) -> HttpResponse:
    current = selectors.appointment_settings()
    status = 200
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.update_reminder_hours(
                    actor=request.member, hours=form.cleaned_data["reminder_hours"]
                )
            except DomainError as error:
                _with_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The reminder delay is saved."))
                return redirect("dashboard:appointment_settings")
    else:
        form = ReminderSettingsForm(initial={"reminder_hours": current.reminder_hours})
    return render(request, "dashboard/appointments/settings.html", {"form": form}, status=status)
