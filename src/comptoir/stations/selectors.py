"""Reads about stations and tickets, scoped to the locations the staff member works at."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.errors import NotFound
from comptoir.shop.models import Location
from comptoir.stations.models import CategoryRoute, Station, Ticket, TicketState
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember


def stations_for_staff(actor: TeamMember) -> QuerySet[Station]:
    """Stations of the locations ``actor`` works at, each with ``open_tickets`` counted."""
    stations = Station.objects.select_related("location").annotate(
        open_tickets=Count("tickets", filter=~Q(tickets__state=TicketState.DONE))
    )
    allowed = visible_location_ids(actor)
    stations = stations if allowed is None else stations.filter(location_id__in=allowed)
    return stations.order_by("location__position", "location__name", "name", "id")


def station_for_staff(actor: TeamMember, pk: int) -> Station:
    station = stations_for_staff(actor).filter(pk=pk).first()
    if station is None:
        raise NotFound(_("No such station, or not at a location you work at."))
    return station


def _tickets(actor: TeamMember) -> QuerySet[Ticket]:
    tickets = Ticket.objects.select_related(
        "station__location", "order__location", "order__fulfilment"
    )
    allowed = visible_location_ids(actor)
    return tickets if allowed is None else tickets.filter(station__location_id__in=allowed)


def ticket_for_staff(actor: TeamMember, pk: int) -> Ticket:
    ticket = _tickets(actor).filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("No such ticket, or not at a location you work at."))
    return ticket


def open_tickets(station: Station) -> list[Ticket]:
    """What the station still has to prepare, oldest first (the kitchen display)."""
    return list(
        Ticket.objects.filter(station=station)
        .exclude(state=TicketState.DONE)
        .select_related("station", "order__location", "order__fulfilment")
        .order_by("created_at", "id")
    )


def failed_tickets_for_staff(actor: TeamMember) -> list[Ticket]:
    """Tickets no printer took, for the alert with a Reprint button."""
    return list(_tickets(actor).filter(state=TicketState.FAILED).order_by("created_at", "id"))


def routes_of(location: Location) -> dict[int, int]:
    """category id -> station id, for the location's routes."""
    return dict(
        CategoryRoute.objects.filter(location=location).values_list("category_id", "station_id")
    )
