"""Changes to stations and their tickets.

Sending: ``send_order_to_stations`` (when an order is accepted) and ``send_changed_lines``
(when an accepted order changes) write one ticket per station in the caller's
transaction and enqueue its print task after commit. Staff: setting stations and
routes up, marking a ticket done, printing one again; all need "manage orders" and the
station's location."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Category
from comptoir.errors import Conflict, InvalidInput
from comptoir.jobs.dispatch import enqueue_after_commit
from comptoir.orders.models import Fulfilment, Order, OrderLine
from comptoir.shop.models import Location
from comptoir.stations.models import (
    DEFAULT_PRINTER_PORT,
    CategoryRoute,
    Station,
    Ticket,
    TicketState,
)
from comptoir.stations.routing import TicketLine, route_lines
from comptoir.stations.tasks import print_ticket
from comptoir.team.access import require, require_location
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# Who sets stations up, and who works them: both are part of fulfilling orders.
STATION_PERMISSION = Permission.MANAGE_ORDERS


# --- Sending orders to the stations -------------------------------------------------------


def send_order_to_stations(order_id: int, revision: int = 1) -> list[Ticket]:
    """One ticket per station with only its lines, each printed after commit.

    Call it in the transaction that accepts the order. Calling it again for the same
    revision makes and prints nothing new (one ticket per order, station and revision)."""
    with transaction.atomic():
        order = Order.objects.get(pk=order_id)
        lines = [TicketLine.of(line) for line in OrderLine.objects.filter(order_id=order_id)]
        return _make_tickets(order, revision, lines)


def send_changed_lines(
    order: Order, changed_lines: Iterable[OrderLine | TicketLine]
) -> list[Ticket]:
    """Tickets of the changed lines only, as a new revision of the order's tickets.

    ``changed_lines``: lines added (``OrderLine``) or ``TicketLine`` values, a negative
    quantity for what was taken off. An order never sent to the stations (not accepted
    yet) gets nothing here: its tickets are made whole when it is accepted."""
    lines = [
        line if isinstance(line, TicketLine) else TicketLine.of(line) for line in changed_lines
    ]
    if not lines:
        return []
    with transaction.atomic():
        # Two changes of one order at once must not pick the same revision.
        Order.objects.select_for_update().filter(pk=order.pk).values_list("pk").first()
        last = Ticket.objects.filter(order_id=order.pk).aggregate(last=Max("revision"))["last"]
        if last is None:
            return []
        return _make_tickets(order, last + 1, lines)


def _make_tickets(order: Order, revision: int, lines: list[TicketLine]) -> list[Ticket]:
    if not Fulfilment.objects.filter(order_id=order.pk).exists():
        return []  # a donation or an e-gift card: nothing for a station to prepare
    tickets = []
    for station, station_lines in route_lines(order.location_id, lines).items():
        ticket, created = Ticket.objects.get_or_create(
            order=order,
            station=station,
            revision=revision,
            defaults={"lines": [line.snapshot() for line in station_lines]},
        )
        if created:
            enqueue_after_commit(print_ticket, ticket.pk)
        tickets.append(ticket)
    return tickets


# --- Staff working the tickets ------------------------------------------------------------


def mark_ticket_done(*, actor: TeamMember | None, ticket: Ticket) -> bool:
    """The station has prepared it: off the kitchen display. False if it already was."""
    member = require(actor, STATION_PERMISSION)
    require_location(member, ticket.station.location_id)
    updated = (
        Ticket.objects.filter(pk=ticket.pk)
        .exclude(state=TicketState.DONE)
        .update(state=TicketState.DONE, done_at=timezone.now(), done_by=member)
    )
    return bool(updated)


def reprint_ticket(*, actor: TeamMember | None, ticket: Ticket) -> None:
    """Print the ticket again (it failed, or the paper was lost), after commit."""
    member = require(actor, STATION_PERMISSION)
    require_location(member, ticket.station.location_id)
    with transaction.atomic():
        updated = (
            Ticket.objects.filter(pk=ticket.pk)
            .exclude(state=TicketState.DONE)
            .update(state=TicketState.QUEUED, printing_since=None)
        )
        if not updated:
            raise Conflict(_("This ticket is done: there is nothing left to print."))
        enqueue_after_commit(print_ticket, ticket.pk)


# --- Setting stations up ------------------------------------------------------------------


def _clean_station(name: str, printer_host: str, printer_port: int | None) -> dict[str, Any]:
    errors = {}
    name, printer_host = name.strip(), printer_host.strip()
    if not name:
        errors["name"] = _("Give the station a name, e.g. Kitchen or Bar.")
    if not printer_host:
        errors["printer_host"] = _("Give the printer's network address.")
    port = DEFAULT_PRINTER_PORT if printer_port is None else printer_port
    if not 1 <= port <= 65535:
        errors["printer_port"] = _("A port is a number from 1 to 65535 (printers use 9100).")
    if errors:
        raise InvalidInput(errors)
    return {"name": name, "printer_host": printer_host, "printer_port": port}


def _save_station(station: Station, *, is_fallback: bool) -> Station:
    try:
        with transaction.atomic():
            # The location's stations, locked: one fallback at a time.
            others = list(
                Station.objects.select_for_update()
                .filter(location_id=station.location_id)
                .exclude(pk=station.pk)
            )
            # A location with stations always has a fallback: its first station is one.
            if not any(other.is_fallback for other in others):
                is_fallback = True
            if is_fallback:
                Station.objects.filter(location_id=station.location_id, is_fallback=True).exclude(
                    pk=station.pk
                ).update(is_fallback=False)
            station.is_fallback = is_fallback
            station.save()
    except IntegrityError:
        raise InvalidInput(
            {"name": _("This location already has a station with this name.")}
        ) from None
    return station


def create_station(
    *,
    actor: TeamMember | None,
    location: Location,
    name: str,
    printer_host: str,
    printer_port: int | None = DEFAULT_PRINTER_PORT,
    is_fallback: bool = False,
) -> Station:
    """A new station of ``location``. Its first station is its fallback."""
    member = require(actor, STATION_PERMISSION)
    require_location(member, location)
    values = _clean_station(name, printer_host, printer_port)
    return _save_station(Station(location=location, **values), is_fallback=is_fallback)


def update_station(
    *,
    actor: TeamMember | None,
    station: Station,
    name: str,
    printer_host: str,
    printer_port: int | None = DEFAULT_PRINTER_PORT,
    is_fallback: bool = False,
) -> Station:
    """Rename, move to another printer, or make it the fallback. The fallback stays one
    until another station of the location is made the fallback."""
    member = require(actor, STATION_PERMISSION)
    require_location(member, station.location_id)
    values = _clean_station(name, printer_host, printer_port)
    for field, value in values.items():
        setattr(station, field, value)
    return _save_station(station, is_fallback=is_fallback or station.is_fallback)


def set_category_routes(
    *, actor: TeamMember | None, location: Location, routes: Mapping[int, int | None]
) -> None:
    """``routes``: category id -> station id of ``location`` (None: to the fallback)."""
    member = require(actor, STATION_PERMISSION)
    require_location(member, location)
    station_ids = set(Station.objects.filter(location=location).values_list("pk", flat=True))
    category_ids = set(Category.objects.filter(pk__in=list(routes)).values_list("pk", flat=True))
    errors = {}
    for category_id, station_id in routes.items():
        if category_id not in category_ids:
            errors[f"category_{category_id}"] = _("This category no longer exists.")
        elif station_id is not None and station_id not in station_ids:
            errors[f"category_{category_id}"] = _("Pick a station of this location.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        cleared = [category for category, station in routes.items() if station is None]
        CategoryRoute.objects.filter(location=location, category_id__in=cleared).delete()
        for category_id, station_id in routes.items():
            if station_id is not None:
                CategoryRoute.objects.update_or_create(
                    location=location,
                    category_id=category_id,
                    defaults={"station_id": station_id},
                )
