"""The shop's settings and its locations. Thin: a form shapes the input, a shop
service checks and writes, and its per-field messages go back on the form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.forms.shop import (
    LocationForm,
    ShopSettingsForm,
    opening_hours_formset,
    show_errors,
)
from comptoir.errors import InvalidInput, PermissionDenied
from comptoir.shop import selectors, services, validation
from comptoir.shop.models import Location
from comptoir.team.permissions import Permission


def _suggestions() -> dict:
    return {
        "time_zones": sorted(validation.time_zones()),
        "currencies": sorted(validation.currencies()),
    }


@staff_view(Permission.MANAGE_SETTINGS)
def shop_settings(request: StaffRequest) -> HttpResponse:
    shop = selectors.get_shop()
    if request.method == "POST":
        form = ShopSettingsForm(request.POST, request.FILES, instance=shop)
        if form.is_valid():
            try:
                services.update_shop_settings(actor=request.member, **form.changes())
            except InvalidInput as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("dashboard:shop_settings")
    else:
        form = ShopSettingsForm(instance=shop)
    return render(request, "dashboard/shop/settings.html", {"form": form, **_suggestions()})


@staff_view(Permission.MANAGE_SETTINGS)
def location_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/shop/location_list.html",
        {
            "locations": selectors.locations_for_staff(request.member),
            "can_add": services.can_add_location(request.member),
        },
    )


@staff_view(Permission.MANAGE_SETTINGS)
def location_create(request: StaffRequest) -> HttpResponse:
    if not services.can_add_location(request.member):
        raise PermissionDenied(_("Only members who work at every location can add a location."))
    return _location_form(request, None)


@staff_view(Permission.MANAGE_SETTINGS)
def location_edit(request: StaffRequest, pk: int) -> HttpResponse:
    return _location_form(request, selectors.location_for_staff(request.member, pk))


def _location_form(request: StaffRequest, location: Location | None) -> HttpResponse:
    hours_error = ""
    if request.method == "POST":
        form = LocationForm(request.POST, instance=location or Location())
        hours = opening_hours_formset(location, data=request.POST)
        if form.is_valid() and hours.is_valid():
            spans = [span for day in hours for span in day.spans()]
            try:
                if location is None:
                    location = services.create_location(
                        actor=request.member, opening_hours=spans, **form.changes()
                    )
                else:
                    services.update_location(
                        actor=request.member,
                        location=location,
                        opening_hours=spans,
                        **form.changes(),
                    )
            except InvalidInput as error:
                hours_error = str(error.errors.pop("opening_hours", ""))
                show_errors(form, error)
            else:
                messages.success(request, _("Location saved."))
                return redirect("dashboard:location_list")
    else:
        form = LocationForm(instance=location or Location())
        hours = opening_hours_formset(location)
    return render(
        request,
        "dashboard/shop/location_form.html",
        {
            "form": form,
            "hours": hours,
            "hours_error": hours_error,
            "location": location,
            **_suggestions(),
        },
    )
