"""The rows of the dashboard's Orders page, worked out once per request.

At 50 rows per page, a template walking each order's attributes through filters and
tags (dates, money, labels, links) cost more than the page's queries: about 60 ms of a
110 ms page at 1,000,000 orders. So what the rows share is computed once (labels, the
order page's address, month names, the shop's currency), each row's cells are plain
text, and the row's markup is built here (every value escaped), then placed by the
template as one piece."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.orders.dashboard_selectors import ListedFulfilment, ListedOrder
from comptoir.orders.late_risk import (
    LateRiskReasons,
    acceptance_reminder_after,
    late_risk,
    promised_at,
)
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderSource,
    OrderState,
)
from comptoir.shop.models import Location
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop

# An order of the list is read as values (``ListedOrder``); the order's page reads it whole.
AnyOrder = TypeVar("AnyOrder", Order, ListedOrder)


def _epoch_ms(moment: datetime | None) -> int | str:
    return int(moment.timestamp() * 1000) if moment else ""


class _CountedText:
    """One of ``timesince``'s texts ("%(num)d minutes") in one language, each count's
    translation kept: the reminder's twenty lines asked gettext forty times a page."""

    __slots__ = ("known", "text")

    def __init__(self, text: Any) -> None:
        self.text = text
        self.known: dict[int, str] = {}

    def __mod__(self, values: dict[str, int]) -> str:
        count = values["num"]
        known = self.known.get(count)
        if known is None:
            known = str(self.text % values)
            if len(self.known) < 1_000:
                self.known[count] = known
        return known


class _Labels:
    """The rows' labels in one language (they never change while the process runs),
    and the same escaped for the markup ``listed_rows`` writes."""

    def __init__(self) -> None:
        self.sources = {value: str(label) for value, label in OrderSource.choices}
        self.types = {value: str(label) for value, label in FulfilmentType.choices}
        self.fulfilment_states = {value: str(label) for value, label in FulfilmentState.choices}
        self.order_states = {value: str(label) for value, label in OrderState.choices}
        self.months = {number: str(name).title() for number, name in MONTHS_3.items()}
        self.curbside = _("curbside")
        self.late = _("Late risk")
        self.on_time = _("On time")
        self.not_accepted = _("not accepted yet")
        self.unknown_item = _("unknown item")
        self.arrived_at = _("Customer arrived at %(time)s")
        self.placed_ago = _("placed %(since)s ago")
        self.reasons = LateRiskReasons()
        # ``timesince`` only applies ``%`` to them (typed as strings by django-stubs).
        self.time_strings = cast(
            dict[str, str], {name: _CountedText(text) for name, text in TIME_STRINGS.items()}
        )
        self.escaped: dict[str, Any] = {
            "sources": {key: escaped(label) for key, label in self.sources.items()},
            "types": {key: escaped(label) for key, label in self.types.items()},
            "fulfilment_states": {
                key: escaped(label) for key, label in self.fulfilment_states.items()
            },
            "order_states": {key: escaped(label) for key, label in self.order_states.items()},
            "months": {number: escaped(name) for number, name in self.months.items()},
            "curbside": escaped(self.curbside),
            "late": escaped(self.late),
            "on_time": escaped(self.on_time),
            "not_accepted": escaped(self.not_accepted),
            "unknown_item": escaped(self.unknown_item),
        }


_labels_by_language: dict[str, _Labels] = {}


def _labels() -> _Labels:
    """The labels in the active language, looked up once per process and language."""
    language = get_language()
    if language is None:
        return _Labels()  # translations deactivated: nothing to key them by
    labels = _labels_by_language.get(language)
    if labels is None:
        labels = _labels_by_language[language] = _Labels()
    return labels


_hrefs: dict[tuple[str, str], tuple[str, str]] = {}


def _order_href_parts() -> tuple[str, str]:
    """The order page's address around its id, reversed once per URL configuration."""
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    parts = _hrefs.get(key)
    if parts is None:
        start, end = reverse("dashboard:order_detail", args=[0]).rsplit("0", 1)
        parts = _hrefs[key] = (start, end)
    return parts


class RowCells:
    """What the rows of one page share: labels of the states, sources and fulfilment
    types, the order page's address, month names, the shop's currency, the member's
    locations (so that no row joins its own)."""

    def __init__(self, locations: list[Location] | None = None) -> None:
        labels = _labels()
        self.sources = labels.sources
        self.types = labels.types
        self.fulfilment_states = labels.fulfilment_states
        self.order_states = labels.order_states
        self.months = labels.months
        self.curbside = labels.curbside
        self.late = labels.late
        self.on_time = labels.on_time
        self.not_accepted = labels.not_accepted
        self.unknown_item = labels.unknown_item
        self.arrived_at = labels.arrived_at
        self.placed_ago = labels.placed_ago
        self.time_strings = labels.time_strings
        self.escaped = labels.escaped
        self.reasons = labels.reasons
        # "/dashboard/orders/0/" -> the parts around the id.
        self.href_start, self.href_end = _order_href_parts()
        shop = get_shop()
        self.currency = shop.currency
        self.language = get_language() or shop.published_language
        self.reminder_after = acceptance_reminder_after(shop)
        self.locations = {location.pk: location for location in locations or ()}

    def day_and_time(self, moment: datetime, zone: str) -> str:
        """``moment|date:"j M H:i"`` in ``zone``, the month names read once."""
        local = timezone.localtime(moment, ZoneInfo(zone))
        return f"{local.day} {self.months[local.month]} {local:%H:%M}"

    def href(self, order_id: int) -> str:
        return f"{self.href_start}{order_id}{self.href_end}"

    def attach_locations(self, orders: Iterable[AnyOrder]) -> list[AnyOrder]:
        """Each order's location from the page's list of the member's locations (every
        order shown is at one of them), rather than joined to each row."""
        orders = list(orders)
        for order in orders:
            location = self.locations.get(order.location_id)
            if location is not None:
                order.location = location
        return orders


def _partner_of(order: AnyOrder) -> tuple[str, bool]:
    """The partner's name and whether some of its items are unknown: from the list's
    annotations (``orders_for_page``), else from the order's partner order."""
    if order.source != OrderSource.PARTNER:
        return "", False
    if hasattr(order, "partner_name"):
        return order.partner_name or "", bool(getattr(order, "partner_unknown_items", None))
    partner_order = getattr(order, "partner_order", None)
    if partner_order is None:
        return "", False
    return partner_order.partner.name, bool(partner_order.unknown_items)


def order_row(order: AnyOrder, now: datetime, cells: RowCells | None = None) -> dict[str, Any]:
    """What a row shows, as text, and the data its script needs to re-evaluate the late
    flag as the clock moves (the same rule as ``late_risk``, which renders the first
    paint). The order's page reads it too (one row)."""
    cells = cells or RowCells()
    fulfilment: Fulfilment | ListedFulfilment | None = getattr(order, "fulfilment", None)
    location = order.location
    assert location is not None  # attached (attach_locations) or read with the order
    zone = location.time_zone
    partner, unknown_items = _partner_of(order)
    row: dict[str, Any] = {
        "order": order,
        "fulfilment": fulfilment,
        "id": order.pk,
        "number": order.number,
        "zone": zone,
        "partner": partner,
        "unknown_items": unknown_items,
        "href": cells.href(order.pk),
        "placed": cells.day_and_time(order.placed_at, zone),
        "location": location.name,
        "name": f"{order.first_name} {order.last_name}",
        "contact": f"{order.email} {order.phone}",
        "source": partner or cells.sources.get(order.source, order.source),
        "total": format_money(order.total, cells.currency, cells.language),
        "state": cells.order_states.get(order.state, order.state),
        "kind": "—",
        "risk": None,
        "awaiting": False,
        "arrived": "",
    }
    if fulfilment is None:
        return row
    kind = [cells.types.get(fulfilment.type, fulfilment.type)]
    if fulfilment.curbside:
        kind.append(cells.curbside)
    if fulfilment.table_label:
        kind.append(fulfilment.table_label)
    row.update(
        kind=" · ".join(kind),
        state=cells.fulfilment_states.get(fulfilment.state, fulfilment.state),
        risk=late_risk(fulfilment, now, time_zone=zone, reasons=cells.reasons),
        promised_ms=_epoch_ms(promised_at(fulfilment)),
        placed_ms=_epoch_ms(fulfilment.placed_at),
        accepted_ms=_epoch_ms(fulfilment.accepted_at),
        arrived=timezone.localtime(fulfilment.arrived_at, ZoneInfo(zone)).strftime("%H:%M")
        if fulfilment.arrived_at
        else "",
        awaiting=fulfilment.state == FulfilmentState.PROPOSED
        and fulfilment.placed_at <= now - cells.reminder_after,
    )
    return row


class DateFormatter:
    """``dateformat.format(value, format_string)`` with the format parsed once: a page
    formats fifty dates with one format, and Django splits the format string with a
    regular expression at each call (38 us a date with "m/d/Y P", 13 us here)."""

    def __init__(self, format_string: str) -> None:
        self.pieces: list[tuple[bool, str]] = []  # (a specifier?, its letter or text)
        for index, piece in enumerate(re_formatchars.split(str(format_string))):
            if index % 2:
                self.pieces.append((True, piece))
            elif piece:
                self.pieces.append((False, re_escaped.sub(r"\1", piece)))

    def __call__(self, value: datetime) -> str:
        formatter = DateFormat(value)
        return "".join(
            str(getattr(formatter, piece)()) if specifier else piece
            for specifier, piece in self.pieces
        )


def escaped(value: object) -> str:
    """Escaped for HTML text and quoted attributes: what ``django.utils.html.escape``
    does (the standard library's, which it calls), without its lazy-string checks that
    cost more than the escaping at a thousand values per page."""
    return html.escape(str(value))


def row_html(row: dict[str, Any], cells: RowCells) -> SafeString:
    """The row's ``<tr>``: the order's cells, and the data attributes the page's script
    reads (orders-live.js: state, times in ms, zone, arrival). Every value is escaped."""
    fulfilment: Fulfilment | ListedFulfilment | None = row["fulfilment"]
    classes = "order-row"
    if row["awaiting"]:
        classes += " awaiting"
    if row["arrived"]:
        classes += " arrived"
    data = (
        f' data-order-id="{row["id"]}" data-number="{escaped(row["number"])}"'
        f' data-zone="{escaped(row["zone"])}"'
    )
    if fulfilment is not None:
        data += (
            f' data-state="{escaped(fulfilment.state)}" data-placed="{row["placed_ms"]}"'
            f' data-accepted="{row["accepted_ms"]}" data-prep="{fulfilment.preparation_minutes}"'
            f' data-promised="{row["promised_ms"]}"'
        )
    if row["arrived"]:
        data += f' data-arrived="{escaped(row["arrived"])}"'
    badge = (
        f' <span class="badge awaiting-badge">{escaped(cells.not_accepted)}</span>'
        if row["awaiting"]
        else ""
    )
    unknown = (
        f' <span class="badge failed">{escaped(cells.unknown_item)}</span>'
        if row["unknown_items"]
        else ""
    )
    arrival = (
        f'<br><strong class="arrival">{escaped(cells.arrived_at % {"time": row["arrived"]})}</strong>'
        if row["arrived"]
        else ""
    )
    risk = row["risk"]
    flag = ""
    if risk is not None and risk.is_late is not None:
        flag = (
            f'<span class="flag {"late" if risk.is_late else "on-time"}"'
            f' data-late="{"true" if risk.is_late else "false"}">'
            f"{escaped(cells.late if risk.is_late else cells.on_time)}</span>"
            f' <small class="reason">{escaped(risk.reason)}</small>'
        )
    return mark_safe(  # noqa: S308 -- every value above is escaped
        f'<tr id="order-{row["id"]}" class="{classes}"{data}>\n'
        f'  <td><a href="{escaped(row["href"])}">{escaped(row["number"])}</a>{badge}</td>\n'
        f"  <td>{escaped(row['placed'])}<br><small>{escaped(row['location'])}</small></td>\n"
        f"  <td>{escaped(row['name'])}<br><small>{escaped(row['contact'])}</small></td>\n"
        f"  <td>{escaped(row['source'])}{unknown}</td>\n"
        f"  <td>{escaped(row['kind'])}</td>\n"
        f"  <td>{escaped(row['state'])}{arrival}</td>\n"
        f'  <td class="late-flag">{flag}</td>\n'
        f"  <td>{escaped(row['total'])}</td>\n"
        "</tr>\n"
    )


def awaiting_row(order: AnyOrder, now: datetime, cells: RowCells) -> dict[str, Any]:
    """A line of the reminder: the order, where, and how long it has waited."""
    assert order.location is not None  # attached (attach_locations)
    return {
        "order": order,
        "number": order.number,
        "href": cells.href(order.pk),
        "location": order.location.name,
        "since": cells.placed_ago
        % {"since": timesince(order.placed_at, now, time_strings=cells.time_strings)},
    }


def listed_rows(
    orders: Iterable[ListedOrder], now: datetime, cells: RowCells
) -> tuple[list[dict[str, Any]], SafeString]:
    """The rows of the list, each ``{"order", "risk"}``, and their markup joined: what
    ``row_html(order_row(order, now, cells), cells)`` writes for each (a test holds them
    equal), with the labels escaped once per language, each location's zone and name
    once per page, and only the values read from the database escaped per row."""
    esc = html.escape
    labels = cells.escaped
    sources, types = labels["sources"], labels["types"]
    fulfilment_states, order_states = labels["fulfilment_states"], labels["order_states"]
    months = labels["months"]
    href_start, href_end = esc(cells.href_start), esc(cells.href_end)
    awaiting_badge = f' <span class="badge awaiting-badge">{labels["not_accepted"]}</span>'
    unknown_badge = f' <span class="badge failed">{labels["unknown_item"]}</span>'
    late_flag = f'<span class="flag late" data-late="true">{labels["late"]}</span>'
    on_time_flag = f'<span class="flag on-time" data-late="false">{labels["on_time"]}</span>'
    awaiting_before = now - cells.reminder_after
    places: dict[int, tuple[ZoneInfo, str, str]] = {}
    rows: list[dict[str, Any]] = []
    parts: list[str] = []
    for order in orders:
        location = order.location
        assert location is not None  # attached (attach_locations)
        place = places.get(location.pk)
        if place is None:
            zone = ZoneInfo(location.time_zone)
            place = places[location.pk] = (zone, esc(location.time_zone), esc(location.name))
        zone, zone_text, location_text = place
        placed = order.placed_at.astimezone(zone)
        number = esc(order.number)
        partner = ""
        unknown = ""
        if order.source == OrderSource.PARTNER:
            partner = order.partner_name or ""
            if order.partner_unknown_items:
                unknown = unknown_badge
        source = esc(partner) if partner else sources.get(order.source) or esc(order.source)
        classes = "order-row"
        data = f' data-order-id="{order.id}" data-number="{number}" data-zone="{zone_text}"'
        badge = arrival = flag = ""
        risk = None
        fulfilment = order.fulfilment
        if fulfilment is None:
            kind = "—"
            state = order_states.get(order.state) or esc(order.state)
        else:
            kind = types.get(fulfilment.type) or esc(fulfilment.type)
            if fulfilment.curbside:
                kind += " · " + labels["curbside"]
            if fulfilment.table_label:
                kind += " · " + esc(fulfilment.table_label)
            state = fulfilment_states.get(fulfilment.state) or esc(fulfilment.state)
            risk = late_risk(fulfilment, now, time_zone=zone, reasons=cells.reasons)
            promised = promised_at(fulfilment)
            data += (
                f' data-state="{esc(fulfilment.state)}"'
                f' data-placed="{_epoch_ms(fulfilment.placed_at)}"'
                f' data-accepted="{_epoch_ms(fulfilment.accepted_at)}"'
                f' data-prep="{fulfilment.preparation_minutes}"'
                f' data-promised="{_epoch_ms(promised)}"'
            )
            if (
                fulfilment.state == FulfilmentState.PROPOSED
                and fulfilment.placed_at <= awaiting_before
            ):
                classes += " awaiting"
                badge = awaiting_badge
            if fulfilment.arrived_at:
                arrived = fulfilment.arrived_at.astimezone(zone)
                arrived_text = f"{arrived.hour:02d}:{arrived.minute:02d}"
                classes += " arrived"
                data += f' data-arrived="{arrived_text}"'
                arrival = (
                    '<br><strong class="arrival">'
                    f"{esc(cells.arrived_at % {'time': arrived_text})}</strong>"
                )
            if risk.is_late is not None:
                flag = (
                    f"{late_flag if risk.is_late else on_time_flag}"
                    f' <small class="reason">{esc(risk.reason)}</small>'
                )
        parts.append(
            f'<tr id="order-{order.id}" class="{classes}"{data}>\n'
            f'  <td><a href="{href_start}{order.id}{href_end}">{number}</a>{badge}</td>\n'
            f"  <td>{placed.day} {months[placed.month]} {placed.hour:02d}:{placed.minute:02d}"
            f"<br><small>{location_text}</small></td>\n"
            f"  <td>{esc(f'{order.first_name} {order.last_name}')}"
            f"<br><small>{esc(f'{order.email} {order.phone}')}</small></td>\n"
            f"  <td>{source}{unknown}</td>\n"
            f"  <td>{kind}</td>\n"
            f"  <td>{state}{arrival}</td>\n"
            f'  <td class="late-flag">{flag}</td>\n'
            f"  <td>{esc(format_money(order.total, cells.currency, cells.language))}</td>\n"
            "</tr>\n"
        )
        rows.append({"order": order, "risk": risk})
    return rows, mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


def awaiting_html(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The reminder's lines (``awaiting_row``), each value escaped, as the template
    wrote them."""
    esc = html.escape
    return mark_safe(  # noqa: S308 -- every value is escaped
        "".join(
            f'<li><a href="{esc(row["href"])}">{esc(row["number"])}</a>'
            f" · {esc(row['location'])} · {esc(row['since'])}</li>"
            for row in rows
        )
    )
