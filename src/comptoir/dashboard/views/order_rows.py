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
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.orders.dashboard_selectors import ListedFulfilment, ListedOrder
from comptoir.orders.late_risk import acceptance_reminder_after, late_risk, promised_at
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


class RowCells:
    """What the rows of one page share: labels of the states, sources and fulfilment
    types, the order page's address, month names, the shop's currency, the member's
    locations (so that no row joins its own)."""

    def __init__(self, locations: list[Location] | None = None) -> None:
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
        # "/dashboard/orders/0/" -> the parts around the id.
        self.href_start, self.href_end = reverse("dashboard:order_detail", args=[0]).rsplit("0", 1)
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
        risk=late_risk(fulfilment, now, time_zone=zone),
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
        "since": cells.placed_ago % {"since": timesince(order.placed_at, now)},
    }
