"""Staff moving an order through its fulfilment: accept, mark ready, complete, cancel, fail.

Every service takes the staff member (``actor``, who needs "manage orders" and to work at
the order's location), the order's id and the version of the order they saw. In one
transaction it locks the order row, refuses a stale version (Conflict: someone else acted
first, nothing changes), checks the transition against the one table
(``states.check_transition``), stamps the fulfilment, moves the order's state, bumps the
version, writes the timeline event, recounts the customer's spending when the order's
state changed, and queues the customer's email in the outbox (sent after commit).

Cancelling also returns the stock and refunds the payments (``orders.refunds``). A table
order is accepted as placed, by the shop itself, along the same path
(``accept_table_order``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.customers.services.order_stats import recount_orders
from comptoir.errors import Conflict, DomainError, InvalidInput, NotFound
from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.models import Channel
from comptoir.messaging.order_texts import text_order_update, update_channel
from comptoir.orders.events import record_event
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    Order,
    OrderEventKind,
    OrderSource,
    OrderState,
)
from comptoir.orders.refunds import settle_cancellation
from comptoir.orders.states import STAMPED_FIELD, check_transition, order_state_for
from comptoir.orders.update_emails import queue_update_email
from comptoir.stations.services import send_order_to_stations
from comptoir.team.access import require, require_location
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

S = FulfilmentState

# Square keeps a cancel reason of up to 100 characters; partners expect no more.
CANCEL_REASON_MAX_LENGTH = 100
MAX_PREPARATION_MINUTES = 24 * 60

_EVENT_FOR: dict[FulfilmentState, OrderEventKind] = {
    S.RESERVED: OrderEventKind.ACCEPTED,
    S.PREPARED: OrderEventKind.READY,
    S.COMPLETED: OrderEventKind.COMPLETED,
    S.CANCELLED: OrderEventKind.CANCELLED,
    S.FAILED: OrderEventKind.FAILED,
}


class PartnerOrderRefused(DomainError):
    """What only the partner platform may do to its orders."""

    code = "partner_order"
    status = 409


@dataclass(frozen=True)
class Transitioned:
    """The order after the change (its new version included), its fulfilment, and the
    email queued for the customer, if any."""

    order: Order
    fulfilment: Fulfilment
    email: OutgoingEmail | None


def accept_order(
    *,
    actor: TeamMember,
    order_id: int,
    expected_version: int,
    preparation_minutes: int | None = None,
) -> Transitioned:
    """Proposed -> reserved: preparation starts now, optionally with a new preparation
    time (the promised pickup or delivery time stays as promised; the late-risk flag
    then tells whether it still holds)."""
    require(actor, Permission.MANAGE_ORDERS)
    changes: dict[str, Any] = {}
    if preparation_minutes is not None:
        if (
            isinstance(preparation_minutes, bool)
            or not isinstance(preparation_minutes, int)
            or not 1 <= preparation_minutes <= MAX_PREPARATION_MINUTES
        ):
            raise InvalidInput(
                {
                    "preparation_minutes": _(
                        "Give a preparation time between 1 and %(max)s minutes."
                    )
                    % {"max": MAX_PREPARATION_MINUTES}
                },
                code="invalid_preparation_time",
            )
        changes["preparation_minutes"] = preparation_minutes
    return _move(
        actor=actor,
        order_id=order_id,
        expected_version=expected_version,
        target=S.RESERVED,
        changes=changes,
    )


def mark_order_ready(*, actor: TeamMember, order_id: int, expected_version: int) -> Transitioned:
    """Reserved -> prepared: ready for pickup, out for delivery, shipped, or served."""
    require(actor, Permission.MANAGE_ORDERS)
    return _move(
        actor=actor, order_id=order_id, expected_version=expected_version, target=S.PREPARED
    )


def complete_order(*, actor: TeamMember, order_id: int, expected_version: int) -> Transitioned:
    """Prepared -> completed (picked up, delivered, served): the order is completed."""
    require(actor, Permission.MANAGE_ORDERS)
    return _move(
        actor=actor, order_id=order_id, expected_version=expected_version, target=S.COMPLETED
    )


def cancel_order(
    *, actor: TeamMember, order_id: int, expected_version: int, reason: str
) -> Transitioned:
    """Any state before completed -> cancelled, with the reason the customer reads. The
    order itself is cancelled (no longer revenue). Partner orders are refused: they are
    cancelled on the partner's platform, which then tells Comptoir."""
    require(actor, Permission.MANAGE_ORDERS)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            {"reason": _("Say why the order is cancelled: the customer will read it.")},
            code="reason_required",
        )
    if len(reason) > CANCEL_REASON_MAX_LENGTH:
        raise InvalidInput(
            {
                "reason": _("Keep the reason to %(max)s characters at most.")
                % {"max": CANCEL_REASON_MAX_LENGTH}
            },
            code="reason_too_long",
        )
    return _move(
        actor=actor,
        order_id=order_id,
        expected_version=expected_version,
        target=S.CANCELLED,
        changes={"cancel_reason": reason},
    )


def fail_order(*, actor: TeamMember, order_id: int, expected_version: int) -> Transitioned:
    """Any state before completed -> failed: could not be completed, not explicitly
    cancelled (e.g. never picked up). The order is completed."""
    require(actor, Permission.MANAGE_ORDERS)
    return _move(actor=actor, order_id=order_id, expected_version=expected_version, target=S.FAILED)


def accept_table_order(*, order_id: int) -> bool:
    """A table order goes straight to the stations: proposed -> reserved as soon as it is
    placed, by no staff member (``_move`` with no actor: the timeline's "accepted" event
    has no actor and says ``automatic``), and each station gets its ticket. No "accepted"
    email: the shopper is at the table and has the receipt. Returns False, changing
    nothing, for an order already past proposed (a double submit of the same checkout)."""
    seen = (
        Order.objects.filter(pk=order_id, source=OrderSource.TABLE)
        .values_list("version", "fulfilment__state")
        .first()
    )
    if seen is None or seen[1] is None:
        raise NotFound(_("No such table order."))
    version, state = seen
    if state != S.PROPOSED:
        return False
    try:
        _move(actor=None, order_id=order_id, expected_version=version, target=S.RESERVED)
    except Conflict as error:
        # A second submit that read the order before the first accepted it waits on the
        # order's lock, then finds the version moved on: it changes nothing.
        if error.code != "version_conflict":
            raise
        return False
    return True


# --- the one path every transition takes ----------------------------------------------


def _move(
    *,
    actor: TeamMember | None,
    order_id: int,
    expected_version: int,
    target: FulfilmentState,
    changes: dict[str, Any] | None = None,
) -> Transitioned:
    """Move the order's fulfilment to ``target`` from ``expected_version``. With no
    ``actor`` the shop itself moves it (a table order accepted as placed): no location
    to check, the event says ``automatic``, and the customer is not told."""
    changes = changes or {}
    automatic = actor is None
    with transaction.atomic():
        # The order row is the lock: a second staff member's change waits for this one
        # to commit, then finds the version moved on.
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("fulfilment", "customer", "location")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            raise NotFound(_("No such order."))
        if actor is not None:
            require_location(actor, order.location_id)
        try:
            fulfilment = order.fulfilment
        except Fulfilment.DoesNotExist:
            raise DomainError(
                _("This order has nothing to prepare or deliver: its state cannot be changed."),
                code="no_fulfilment",
            ) from None
        if target == S.CANCELLED and order.source == OrderSource.PARTNER:
            raise PartnerOrderRefused(
                _(
                    "This order came from a partner platform: cancel it there. It will show as cancelled here once the partner reports it."
                )
            )
        if order.version != expected_version:
            raise _stale(order, fulfilment)
        check_transition(fulfilment.state, target)

        now = timezone.now()
        before = FulfilmentState(fulfilment.state)
        # Cancelling by staff cancels the order (Square's CANCELED order); otherwise
        # the order follows its fulfilment (completed once it has ended).
        order_state = (
            OrderState.CANCELLED if target == S.CANCELLED else order_state_for(order.state, target)
        )
        # Compared once more in the UPDATE, so that even without the row lock (SQLite)
        # two changes from the same version cannot both be made.
        if not Order.objects.filter(pk=order.pk, version=expected_version).update(
            version=F("version") + 1, state=order_state, updated_at=now
        ):
            raise _stale(order, fulfilment)
        fields = {"state": target, STAMPED_FIELD[target]: now, **changes}
        Fulfilment.objects.filter(pk=fulfilment.pk).update(**fields)
        for name, value in fields.items():
            setattr(fulfilment, name, value)
        state_changed = order_state != order.state
        order.version, order.state, order.updated_at = expected_version + 1, order_state, now

        detail: dict[str, Any] = {"version": order.version}
        if target == S.CANCELLED:
            # The money back (gift cards now, cards by a task after commit) and the stock.
            detail.update(settle_cancellation(order, actor=actor).detail())
        email = None if automatic else _notify(order, fulfilment, target)
        if "preparation_minutes" in changes:
            detail["preparation_minutes"] = changes["preparation_minutes"]
        if email is not None:
            detail["email_id"] = email.pk
        if automatic:
            detail["automatic"] = True
        record_event(
            order, _EVENT_FOR[target], actor=actor, from_state=before, to_state=target, **detail
        )
        if state_changed:
            recount_orders([order.customer_id])
        if target == S.RESERVED:
            # Accepted: each kitchen station gets a ticket of its items (printed after
            # commit; sending the same revision again makes nothing new).
            send_order_to_stations(order.pk, 1)
    return Transitioned(order=order, fulfilment=fulfilment, email=email)


def _stale(order: Order, fulfilment: Fulfilment) -> Conflict:
    return Conflict(
        _(
            "Someone else changed this order while you were looking at it: it is now %(state)s. Reload it to see the change, then try again."
        )
        % {"state": FulfilmentState(fulfilment.state).label.lower()},
        code="version_conflict",
    )


def _notify(order: Order, fulfilment: Fulfilment, target: FulfilmentState) -> OutgoingEmail | None:
    """Tell the customer about ``target`` on one channel, the one they last received a
    receipt on (``messaging.order_texts.update_channel``, decision 0025): after commit
    by text, or now by a queued email in their language. Nothing for partner orders
    (the partner's platform tells its customers) and donations."""
    channel = update_channel(order)
    if channel == Channel.SMS:
        transaction.on_commit(functools.partial(text_order_update, order.pk, target), robust=True)
        return None
    if channel != Channel.EMAIL:
        return None
    return queue_update_email(order, fulfilment, target)
