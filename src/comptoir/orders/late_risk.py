"""Is an order likely to be late? The red/green flag of the Orders page, and the orders
still waiting to be accepted (the staff reminder).

Only a fulfilment still proposed or reserved carries a flag. Its expected ready time is
(preparation start if accepted, else the later of placement and now) + preparation time;
it is likely late when that is after the promised time: the pickup time (start of the
window), the deliver-at time, or for table orders (and deliveries "as soon as possible")
placement + preparation time. Shipments carry no flag."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.orders.models import FulfilmentState, FulfilmentType, Order
from comptoir.shop.models import Location, Shop
from comptoir.shop.selectors import get_shop

# How long an order may wait to be accepted before staff are reminded, by default: the
# shop's setting "remind staff of orders not accepted after N minutes" (1 to 120).
ACCEPTANCE_REMINDER_AFTER = timedelta(minutes=5)


def acceptance_reminder_after(shop: Shop | None = None) -> timedelta:
    """The shop's reminder delay: the Orders page's highlight and the staff email."""
    return timedelta(minutes=(shop or get_shop()).acceptance_reminder_minutes)


_FLAGGED = frozenset({FulfilmentState.PROPOSED, FulfilmentState.RESERVED})


class FulfilmentTimes(Protocol):
    """What the flag reads: a ``Fulfilment`` has all of it, so does ``FulfilmentValues``."""

    @property
    def type(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def placed_at(self) -> datetime: ...
    @property
    def accepted_at(self) -> datetime | None: ...
    @property
    def preparation_minutes(self) -> int: ...
    @property
    def pickup_at(self) -> datetime | None: ...
    @property
    def deliver_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class FulfilmentValues:
    """The same values without a database row (a page's script, a test, a partner's
    update before it is saved)."""

    type: str
    state: str
    placed_at: datetime
    preparation_minutes: int
    accepted_at: datetime | None = None
    pickup_at: datetime | None = None
    deliver_at: datetime | None = None


@dataclass(frozen=True)
class LateRisk:
    """``is_late``: True (red), False (green) or None (no flag: prepared, ended, or a
    shipment). ``reason`` says why, in the current language, times in the given zone."""

    is_late: bool | None
    expected_ready_at: datetime | None
    promised_at: datetime | None
    reason: str


NO_FLAG = LateRisk(is_late=None, expected_ready_at=None, promised_at=None, reason="")


def expected_ready_at(fulfilment: FulfilmentTimes, now: datetime) -> datetime:
    """When the order can be ready: from the preparation start if accepted, else from
    now (or placement, if that is later)."""
    start = (
        fulfilment.accepted_at
        if fulfilment.state != FulfilmentState.PROPOSED and fulfilment.accepted_at
        else max(fulfilment.placed_at, now)
    )
    return start + timedelta(minutes=fulfilment.preparation_minutes)


def promised_at(fulfilment: FulfilmentTimes) -> datetime | None:
    """The time promised to the customer; None for shipments (no promise to the minute)."""
    kind = FulfilmentType(fulfilment.type)
    if kind == FulfilmentType.SHIPMENT:
        return None
    if kind == FulfilmentType.PICKUP and fulfilment.pickup_at is not None:
        return fulfilment.pickup_at
    if kind == FulfilmentType.DELIVERY and fulfilment.deliver_at is not None:
        return fulfilment.deliver_at
    # Table orders, and a delivery "as soon as possible", are promised at placement +
    # preparation time (a pickup always has a time: ASAP is stored as now + preparation).
    return fulfilment.placed_at + timedelta(minutes=fulfilment.preparation_minutes)


class LateRiskReasons:
    """The two texts of a flag's reason in the active language, looked up once for a
    page of rows (``late_risk(..., reasons=...)``) rather than once per row."""

    __slots__ = ("proposed", "reserved")

    def __init__(self) -> None:
        self.proposed = _("ready at %(ready)s at the earliest, promised %(promised)s")
        self.reserved = _("expected ready at %(ready)s, promised %(promised)s")


def _hour_minute(moment: datetime, zone: tzinfo | None) -> str:
    """``timezone.localtime(moment, zone).strftime("%H:%M")``."""
    local = moment.astimezone(zone if zone is not None else timezone.get_current_timezone())
    return f"{local.hour:02d}:{local.minute:02d}"


def late_risk(
    fulfilment: FulfilmentTimes,
    now: datetime,
    *,
    time_zone: str | tzinfo | None = None,
    reasons: LateRiskReasons | None = None,
) -> LateRisk:
    """The flag of ``fulfilment`` at ``now``. ``time_zone`` (the location's) is the zone
    of the times in ``reason``; default: the current time zone. ``reasons``: the texts,
    when the caller looked them up already (in the active language)."""
    if FulfilmentState(fulfilment.state) not in _FLAGGED:
        return NO_FLAG
    promised = promised_at(fulfilment)
    if promised is None:
        return NO_FLAG
    ready = expected_ready_at(fulfilment, now)
    zone = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    # Rounded up to the minute: a ready time of 10:30:30 is after a 10:30 promise, and
    # reads 10:31, not a red "ready at 10:30, promised 10:30".
    shown_ready = ready + (
        timedelta(minutes=1) if ready.second or ready.microsecond else timedelta()
    )
    times = {"ready": _hour_minute(shown_ready, zone), "promised": _hour_minute(promised, zone)}
    reasons = reasons or LateRiskReasons()
    if fulfilment.state == FulfilmentState.PROPOSED:
        reason = reasons.proposed % times
    else:
        reason = reasons.reserved % times
    return LateRisk(
        is_late=ready > promised, expected_ready_at=ready, promised_at=promised, reason=reason
    )


def orders_awaiting_acceptance(
    location: Location | int | Iterable[int],
    older_than: timedelta | None = None,
    *,
    now: datetime | None = None,
) -> QuerySet[Order]:
    """Orders of ``location`` (or of several, by id) whose fulfilment is still
    proposed ``older_than`` after being placed (default: the shop's reminder delay),
    oldest first: what the reminder alert lists. The caller (the alert job or page) has
    already checked who may see this location's orders."""
    if isinstance(location, Location):
        location_ids = [location.pk]
    elif isinstance(location, int):
        location_ids = [location]
    else:
        location_ids = list(location)
    cutoff = (now or timezone.now()) - (older_than or acceptance_reminder_after())
    return (
        Order.objects.filter(
            # A proposed fulfilment is always an open order's (orders.states
            # .order_state_for): no filter on the order's state, whose estimate (one
            # order in a hundred is open) would make PostgreSQL sort every proposed
            # fulfilment instead of walking their index oldest first.
            location_id__in=location_ids,
            fulfilment__state=FulfilmentState.PROPOSED,
            fulfilment__placed_at__lte=cutoff,
        )
        .select_related("fulfilment", "customer", "location")
        # The fulfilment's placement time is the order's (both stamped by the placing
        # service): ordered by it, PostgreSQL walks the index of proposed fulfilments
        # oldest first and stops at the page's few, instead of sorting every one.
        .order_by("fulfilment__placed_at", "id")
    )
