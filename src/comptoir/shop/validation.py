"""Checks on the values a shop is configured with (time zones, currencies, countries,
colours, opening hours). Services call them; forms use the same lists for suggestions."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import list_currencies
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from comptoir.shop.models import FulfilmentType, Weekday

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes babel can format."""
    return frozenset(list_currencies())


@cache
def countries() -> frozenset[str]:
    """Two-letter ISO 3166 codes (babel also lists numeric regions such as "001")."""
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and len(code) == 2 and code.isalpha()
    )


def country_names() -> dict[str, str]:
    """Every country's name by its code, in the current language ("FR" -> "France")."""
    return _country_names((get_language() or "en").replace("-", "_").split("_")[0])


@cache
def _country_names(language: str) -> dict[str, str]:
    # Once per language: sorting or looking up 250 names per form or row adds up.
    names = Locale.parse(language).territories
    return {code: str(names.get(code, code)) for code in countries()}


def time_zone_error(value: str) -> str | None:
    if value not in time_zones():
        return _("“%(value)s” is not a time zone. Use a name like Europe/Paris.") % {"value": value}
    return None


def currency_error(value: str) -> str | None:
    if value not in currencies():
        return _("“%(value)s” is not an ISO 4217 currency code. Use a code like EUR.") % {
            "value": value
        }
    return None


def country_error(value: str) -> str | None:
    if value not in countries():
        return _("“%(value)s” is not a two-letter country code. Use a code like FR.") % {
            "value": value
        }
    return None


def colour_error(value: str) -> str | None:
    if not HEX_COLOUR.match(value or ""):
        return _("“%(value)s” is not a colour. Use the form #1f6f4a.") % {"value": value}
    return None


def image_error(upload: UploadedFile) -> str | None:
    """None when ``upload`` is a picture Pillow can read."""
    try:
        upload.seek(0)
        with Image.open(upload) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return _("Upload a picture (PNG, JPEG, GIF or WebP).")
    finally:
        upload.seek(0)
    return None


def fulfilment_error(values: Iterable[str]) -> str | None:
    unknown = [value for value in values if value not in FulfilmentType.values]
    if unknown:
        return _("Unknown fulfilment type: %(values)s.") % {"values": ", ".join(map(str, unknown))}
    return None


Span = tuple[int, datetime.time, datetime.time]


def opening_hours_error(spans: Iterable[Span]) -> str | None:
    """Each span opens before it closes, on a real weekday, without overlapping another
    span of the same day (touching is fine: 8:00-12:00 then 12:00-14:00)."""
    ordered = sorted(spans)
    for weekday, opens_at, closes_at in ordered:
        if weekday not in Weekday.values:
            return _("“%(value)s” is not a day of the week.") % {"value": weekday}
        if not opens_at < closes_at:
            return _("%(day)s: opening time %(opens)s must be before closing time %(closes)s.") % {
                "day": Weekday(weekday).label,
                "opens": f"{opens_at:%H:%M}",
                "closes": f"{closes_at:%H:%M}",
            }
    for (day, _opens, closes), (next_day, next_opens, _closes) in pairwise(ordered):
        if day == next_day and next_opens < closes:
            return _("%(day)s: opening hours overlap.") % {"day": Weekday(day).label}
    return None
