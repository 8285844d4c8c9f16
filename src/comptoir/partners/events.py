"""The JSON a partner posts, checked at the edge (docs/partners.md shows it whole).
Anything malformed is refused with 400 and one message per field; what is well formed
becomes these dataclasses, which the services apply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from comptoir.errors import InvalidInput

ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"
ORDER_CANCELLED = "order.cancelled"
EVENT_TYPES = (ORDER_CREATED, ORDER_UPDATED, ORDER_CANCELLED)
MAX_ITEMS = 200
MAX_QUANTITY = 999
MAX_PRICE = 10_000_00  # minor units per item: a typo guard


@dataclass(frozen=True)
class ItemData:
    id: str
    name: str
    quantity: int
    unit_price: int | None
    note: str = ""


@dataclass(frozen=True)
class OrderData:
    id: str
    items: tuple[ItemData, ...] = ()
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    pickup_at: datetime | None = None
    note: str = ""
    currency: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    order: OrderData


def parse_event(body: bytes) -> Event:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput({"": _("The body is not JSON.")}, code="invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput({"": _("The body must be a JSON object.")}, code="invalid_event")
    errors: dict[str, str] = {}
    event_id = _text(data.get("event_id"), 200)
    if not event_id:
        errors["event_id"] = _("Give the event id.")
    event_type = data.get("type")
    if event_type not in EVENT_TYPES:
        errors["type"] = _("Unknown event type: expected one of %(types)s.") % {
            "types": ", ".join(EVENT_TYPES)
        }
    raw_order = data.get("order")
    if not isinstance(raw_order, dict) or not _text(raw_order.get("id"), 120):
        errors["order.id"] = _("Give the order and its id.")
        raise InvalidInput(errors, code="invalid_event")
    items = _items(raw_order.get("items"), required=event_type == ORDER_CREATED, errors=errors)
    raw_customer = raw_order.get("customer")
    customer: dict[str, object] = raw_customer if isinstance(raw_customer, dict) else {}
    pickup_at = None
    if raw_order.get("pickup_at"):
        pickup_at = parse_datetime(str(raw_order["pickup_at"]))
        if pickup_at is None or pickup_at.tzinfo is None:
            errors["order.pickup_at"] = _(
                "Give the pickup time in ISO 8601 with its offset (2026-03-01T12:30:00+01:00)."
            )
    if errors:
        raise InvalidInput(errors, code="invalid_event")
    order = OrderData(
        id=_text(raw_order["id"], 120),
        items=items,
        email=_text(customer.get("email"), 254),
        phone=_text(customer.get("phone"), 32),
        first_name=_text(customer.get("first_name"), 100),
        last_name=_text(customer.get("last_name"), 100),
        pickup_at=pickup_at,
        note=_text(raw_order.get("note"), 1000),
        currency=_text(raw_order.get("currency"), 3).upper(),
    )
    return Event(id=event_id, type=str(event_type), order=order)


def _text(value: object, limit: int) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _items(raw: object, *, required: bool, errors: dict[str, str]) -> tuple[ItemData, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ITEMS:
        errors["order.items"] = _("Give between 1 and %(max)s items.") % {"max": MAX_ITEMS}
        return ()
    items = []
    for index, entry in enumerate(raw):
        key = f"order.items[{index}]"
        if not isinstance(entry, dict):
            errors[key] = _("Each item must be an object.")
            continue
        quantity, price = entry.get("quantity", 1), entry.get("unit_price")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            errors[key] = _("The quantity must be a whole number from 1 to %(max)s.") % {
                "max": MAX_QUANTITY
            }
            continue
        if not 1 <= quantity <= MAX_QUANTITY:
            errors[key] = _("The quantity must be a whole number from 1 to %(max)s.") % {
                "max": MAX_QUANTITY
            }
            continue
        if price is not None and (
            isinstance(price, bool) or not isinstance(price, int) or not 0 <= price <= MAX_PRICE
        ):
            errors[key] = _("The unit price must be a whole number of cents.")
            continue
        item_id, name = _text(entry.get("id"), 120), _text(entry.get("name"), 160)
        if not item_id and not name:
            errors[key] = _("Give the item's id or name.")
            continue
        items.append(
            ItemData(
                id=item_id,
                name=name or item_id,
                quantity=quantity,
                unit_price=price,
                note=_text(entry.get("note"), 500),
            )
        )
    return tuple(items)
