"""What a ticket says, for paper and for the kitchen display alike: the order's number,
how it leaves (table, pickup time, delivery time), its note (a counter order's staff note,
a partner's order note) and its lines."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.orders.models import Fulfilment, FulfilmentType, Order
from comptoir.shop.selectors import get_shop
from comptoir.stations.models import Ticket
from comptoir.stations.printers import TicketDocument


def _local(moment: datetime, zone: str) -> str:
    return timezone.localtime(moment, ZoneInfo(zone)).strftime("%H:%M")


def ticket_title(ticket: Ticket) -> str:
    if ticket.revision > 1:
        return _("Order %(number)s - change %(revision)s") % {
            "number": ticket.order.number,
            "revision": ticket.revision,
        }
    return _("Order %(number)s") % {"number": ticket.order.number}


def order_details(order: Order) -> list[str]:
    """How the order leaves the kitchen, one short line each."""
    zone = order.location.time_zone
    fulfilment: Fulfilment | None = getattr(order, "fulfilment", None)
    if fulfilment is None:
        return []
    details = []
    if fulfilment.type == FulfilmentType.TABLE:
        details.append(_("Table %(table)s") % {"table": fulfilment.table_label})
    elif fulfilment.type == FulfilmentType.PICKUP:
        if fulfilment.pickup_at:
            details.append(_("Pickup at %(time)s") % {"time": _local(fulfilment.pickup_at, zone)})
        else:
            details.append(_("Pickup"))
        if fulfilment.curbside:
            details.append(_("Curbside: %(vehicle)s") % {"vehicle": fulfilment.vehicle or "-"})
    elif fulfilment.type == FulfilmentType.DELIVERY:
        if fulfilment.deliver_at:
            details.append(
                _("Delivery at %(time)s") % {"time": _local(fulfilment.deliver_at, zone)}
            )
        else:
            details.append(_("Delivery"))
    else:
        details.append(_("Shipping"))
    name = " ".join(part for part in (order.first_name, order.last_name[:1]) if part)
    if name:
        details.append(name)
    return details


def order_note(order: Order) -> str:
    """The order's note for the kitchen ("Note: no nuts, it's a birthday"), or ""."""
    note = " ".join(order.note.split())
    if not note or order.is_donation:
        return ""
    return _("Note: %(note)s") % {"note": note}


def line_texts(ticket: Ticket) -> list[str]:
    texts = []
    for line in ticket.lines:
        quantity = int(line["quantity"])
        if quantity < 0:
            text = _("REMOVE %(quantity)s x %(name)s") % {
                "quantity": -quantity,
                "name": line["name"],
            }
        else:
            text = f"{quantity} x {line['name']}"
        if line.get("note"):
            text += f" ({line['note']})"
        texts.append(text)
    return texts


def ticket_document(ticket: Ticket) -> TicketDocument:
    """``ticket`` read with its order, the order's location and fulfilment, and station,
    in the shop's language (the kitchen's, whatever the worker's or the customer's)."""
    with translation.override(get_shop().published_language):
        return TicketDocument(
            station=ticket.station.name,
            title=ticket_title(ticket),
            details=tuple(order_details(ticket.order)),
            lines=tuple(line_texts(ticket)),
            printed_for=_local(ticket.created_at, ticket.order.location.time_zone),
            note=order_note(ticket.order),
        )
