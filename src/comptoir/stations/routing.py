"""Which station prepares which line: the category recorded on the order line when it
was sold routes it to a station of the order's location, else to the location's
fallback station (lines without a category too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from comptoir.orders.models import Order, OrderLine
from comptoir.stations.models import CategoryRoute, Station


@dataclass(frozen=True)
class TicketLine:
    """One line as a station sees it; a negative quantity is a removal."""

    name: str
    quantity: int
    category_id: int | None = None
    note: str = ""

    @classmethod
    def of(cls, line: OrderLine) -> TicketLine:
        return cls(
            name=line.name,
            quantity=line.quantity,
            category_id=line.category_id,
            note=getattr(line, "note", "") or "",
        )

    def snapshot(self) -> dict[str, Any]:
        return {"name": self.name, "quantity": self.quantity, "note": self.note}


def route_lines(location_id: int, lines: Iterable[TicketLine]) -> dict[Station, list[TicketLine]]:
    """The lines each station of the location gets, in the order given. Lines go nowhere
    only when the location has no fallback station (it has none only without stations)."""
    stations = {station.pk: station for station in Station.objects.filter(location_id=location_id)}
    if not stations:
        return {}
    routes = dict(
        CategoryRoute.objects.filter(location_id=location_id).values_list(
            "category_id", "station_id"
        )
    )
    fallback = next((station for station in stations.values() if station.is_fallback), None)
    routed: dict[Station, list[TicketLine]] = {}
    for line in lines:
        station_id = routes.get(line.category_id) if line.category_id else None
        station = stations.get(station_id) if station_id else fallback
        if station is not None:
            routed.setdefault(station, []).append(line)
    return routed


def tickets_for_order(order: Order) -> dict[Station, list[TicketLine]]:
    """The accepted order split by station: each station with only its lines."""
    return route_lines(order.location_id, [TicketLine.of(line) for line in order.lines.all()])
