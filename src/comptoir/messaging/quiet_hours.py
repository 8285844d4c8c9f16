"""Quiet hours: marketing texts reach nobody before 08:00 or after 21:00 their time.

The recipient's zone comes from their number (``phonenumbers.timezone``; a country with
several zones gives the first, a number giving none falls back to the shop's zone)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as number_zones

QUIET_UNTIL = time(8, 0)
QUIET_FROM = time(21, 0)


def recipient_zone(number: str, fallback: str) -> ZoneInfo:
    """The time zone of the holder of ``number`` (E.164), else ``fallback``."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None:
        for name in number_zones.time_zones_for_number(parsed):
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue  # "Etc/Unknown" and the like
    try:
        return ZoneInfo(fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_allowed(now: datetime, zone: ZoneInfo) -> datetime | None:
    """None when ``now`` is within 08:00-21:00 in ``zone``; else the next 08:00 there."""
    local = now.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone)


def send_after_for(number: str, now: datetime, fallback_zone: str) -> datetime | None:
    return next_allowed(now, recipient_zone(number, fallback_zone))
