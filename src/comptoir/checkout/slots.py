"""Pickup times a location can offer: every 15 minutes within its opening hours, today
and the next days, none earlier than now + its preparation time."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from comptoir.orders.services import earliest_pickup
from comptoir.shop.models import Location

STEP = datetime.timedelta(minutes=15)
DAYS = 3


def pickup_slots(
    location: Location, now: datetime.datetime | None = None, *, days: int = DAYS
) -> list[datetime.datetime]:
    """Aware datetimes in the location's zone (one query for the opening hours, none
    when the caller prefetched them, as the storefront's ``current_location`` does)."""
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(location.time_zone)
    earliest = earliest_pickup(location, now)
    spans: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    hours_of_week = location.opening_hours.all()  # the prefetched list when there is one
    for hours in sorted(hours_of_week, key=lambda hours: (hours.weekday, hours.opens_at)):
        spans.setdefault(hours.weekday, []).append((hours.opens_at, hours.closes_at))
    today = now.astimezone(zone).date()
    slots: list[datetime.datetime] = []
    for offset in range(days):
        day = today + datetime.timedelta(days=offset)
        for opens, closes in spans.get(day.weekday(), []):
            slot = datetime.datetime.combine(day, opens, tzinfo=zone)
            end = datetime.datetime.combine(day, closes, tzinfo=zone)
            while slot <= end:
                if slot >= earliest:
                    slots.append(slot)
                slot += STEP
    return slots
