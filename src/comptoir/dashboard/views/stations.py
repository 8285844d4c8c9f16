"""Kitchen stations: setting them up (printer, fallback, category routes), each
station's ticket screen (kitchen display, polled by htmx), and printing alerts with a
Reprint button. Everything needs "manage orders" (see docs/decisions)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.catalog.models import Category
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.forms.shop import show_errors
from comptoir.dashboard.forms.stations import RoutesForm, StationForm
from comptoir.errors import InvalidInput
from comptoir.shop.selectors import location_for_staff, locations_for_staff
from comptoir.stations import selectors, services
from comptoir.stations.documents import line_texts, order_details, order_note, ticket_title
from comptoir.stations.models import Station, Ticket, TicketState
from comptoir.stations.services import STATION_PERMISSION

# How often the kitchen display asks for its tickets again.
SCREEN_REFRESH_SECONDS = 5


def _described(tickets: list[Ticket]) -> list[dict]:
    return [
        {
            "ticket": ticket,
            "title": ticket_title(ticket),
            "details": order_details(ticket.order),
            "note": order_note(ticket.order),
            "lines": line_texts(ticket),
        }
        for ticket in tickets
    ]


@staff_view(STATION_PERMISSION)
@require_GET
def station_list(request: StaffRequest) -> HttpResponse:
    stations = list(selectors.stations_for_staff(request.member))
    locations = []
    for location in locations_for_staff(request.member):
        locations.append(
            {
                "location": location,
                "stations": [s for s in stations if s.location_id == location.pk],
            }
        )
    return render(
        request,
        "dashboard/stations/station_list.html",
        {
            "locations": locations,
            "failed": _described(selectors.failed_tickets_for_staff(request.member)),
        },
    )


@staff_view(STATION_PERMISSION)
def station_create(request: StaffRequest) -> HttpResponse:
    return _station_form(request, None)


@staff_view(STATION_PERMISSION)
def station_edit(request: StaffRequest, pk: int) -> HttpResponse:
    return _station_form(request, selectors.station_for_staff(request.member, pk))


def _station_form(request: StaffRequest, station: Station | None) -> HttpResponse:
    locations = locations_for_staff(request.member)
    form = StationForm(request.POST or None, locations=locations, station=station)
    if request.method == "POST" and form.is_valid():
        values = {
            "name": form.cleaned_data["name"],
            "printer_host": form.cleaned_data["printer_host"],
            "printer_port": form.cleaned_data["printer_port"],
            "is_fallback": form.cleaned_data["is_fallback"],
        }
        try:
            if station is None:
                services.create_station(
                    actor=request.member, location=form.cleaned_data["location"], **values
                )
            else:
                services.update_station(actor=request.member, station=station, **values)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Station saved."))
            return redirect("dashboard:station_list")
    return render(
        request, "dashboard/stations/station_form.html", {"form": form, "station": station}
    )


@staff_view(STATION_PERMISSION)
def station_routes(request: StaffRequest, location_id: int) -> HttpResponse:
    location = location_for_staff(request.member, location_id)
    stations = list(selectors.stations_for_staff(request.member).filter(location=location))
    form = RoutesForm(
        request.POST or None,
        categories=list(Category.objects.all()),
        stations=stations,
        routes=selectors.routes_of(location),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_category_routes(
                actor=request.member, location=location, routes=form.routes()
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Category routes saved."))
            return redirect("dashboard:station_list")
    return render(
        request,
        "dashboard/stations/routes.html",
        {"form": form, "location": location, "stations": stations},
    )


@staff_view(STATION_PERMISSION)
@require_GET
def station_screen(request: StaffRequest, pk: int) -> HttpResponse:
    return _screen(request, selectors.station_for_staff(request.member, pk))


def _screen(request: StaffRequest, station: Station) -> HttpResponse:
    tickets = _described(selectors.open_tickets(station))
    context = {
        "station": station,
        "tickets": tickets,
        "failed": [row for row in tickets if row["ticket"].state == TicketState.FAILED],
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
    }
    template = "dashboard/stations/screen.html"
    if request.htmx:
        return render(request, f"{template}#tickets", context)
    return render(request, template, context)


@staff_view(STATION_PERMISSION)
@require_POST
def ticket_done(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_staff(request.member, pk)
    services.mark_ticket_done(actor=request.member, ticket=ticket)
    if request.htmx:
        return _screen(request, selectors.station_for_staff(request.member, ticket.station_id))
    return redirect("dashboard:station_screen", ticket.station_id)


@staff_view(STATION_PERMISSION)
@require_POST
def ticket_reprint(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_staff(request.member, pk)
    services.reprint_ticket(actor=request.member, ticket=ticket)
    messages.success(
        request,
        _("%(ticket)s is being printed again at %(station)s.")
        % {"ticket": ticket_title(ticket), "station": ticket.station.name},
    )
    if request.POST.get("back") == "screen":
        return redirect("dashboard:station_screen", ticket.station_id)
    return redirect("dashboard:station_list")
