"""Money and stock going back when staff cancel a site or table order, in full or in part.

- Full cancellation (``fulfilment.cancel_order`` calls ``settle_cancellation`` in its
  transaction): what is left of every payment is refunded and the counted stock of
  every line comes back.
- Partial cancellation (``cancel_lines``): staff take some quantities off an open order;
  the order's subtotal goes down by their price, their stock comes back, and what was
  paid for them is refunded (with a coupon: their price less the part of the discount
  that no longer applies, so never more than the payments). The card is refunded first,
  then the gift card for what the card does not cover: the shopper gets real money back
  before store credit.

Gift-card parts are given back in the same transaction (``giftcards.services.refund``:
no network). Card parts go to the gateway after commit, by a retried task
(``refund_payment``), never while a transaction is open. Every refund carries a key
derived from the order, its version after the change and the payment, so a retried task
refunds once, and a double-submitted cancellation finds the version moved on (Conflict).

What was refunded is written on the change's timeline event (detail "refunds": payment
ids and amounts; "stock": product ids and quantities), which is also what later refunds
of the same order subtract."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Availability
from comptoir.catalog.services import return_stock
from comptoir.customers.services.order_stats import recount_orders
from comptoir.errors import Conflict, DomainError, InvalidInput, NotFound
from comptoir.giftcards import services as gift_cards
from comptoir.giftcards.models import GiftCard
from comptoir.jobs.dispatch import enqueue_after_commit
from comptoir.jobs.retry import retrying
from comptoir.mail.models import OutgoingEmail
from comptoir.mail.services import queue_templated_email
from comptoir.orders.events import record_event
from comptoir.orders.links import status_url
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderSource,
    OrderState,
    Payment,
)
from comptoir.payments.gateways.base import Gateway
from comptoir.payments.gateways.stripe_gateway import StripeGateway
from comptoir.payments.gateways.testing import TestGateway
from comptoir.shop.selectors import get_shop, language_for
from comptoir.team.access import require, require_location
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# The gateway name of the Payment rows a gift card paid (orders.services.place_order).
GIFT_CARD = "gift_card"
LINES_CANCELLED = "lines_cancelled"  # timeline: some quantities taken off the order
CARD_REFUND_SENT = "card_refund_sent"  # timeline: the gateway confirmed a card refund


@dataclass(frozen=True)
class RefundPart:
    payment_id: int
    gateway: str
    amount: int
    idempotency_key: str


@dataclass(frozen=True)
class Settlement:
    """What a cancellation gave back: refund parts (gift cards done, cards queued) and
    the stock returned per product id."""

    refunds: tuple[RefundPart, ...]
    stock: dict[int, int]

    @property
    def amount(self) -> int:
        return sum(part.amount for part in self.refunds)

    def detail(self) -> dict[str, Any]:
        """For the timeline event of the change (ids and numbers only); what later
        refunds of the order subtract (``refunded_so_far``)."""
        return {
            "refunds": [
                {"payment": part.payment_id, "amount": part.amount, "gateway": part.gateway}
                for part in self.refunds
            ],
            "stock": {str(pk): quantity for pk, quantity in self.stock.items()},
        }


# --- full cancellation ----------------------------------------------------------------


def settle_cancellation(order: Order, *, actor: TeamMember | None) -> Settlement:
    """Inside the cancelling transaction, the order row locked and its version already
    bumped: refund what is left of every payment and return every line's stock. The
    caller writes ``Settlement.detail()`` on its "cancelled" event."""
    lines = list(order.lines.all())
    stock = _return_stock(order, {line.pk: line.quantity for line in lines}, lines)
    refunds = _refund(order, _left_to_refund(order), actor=actor)
    return Settlement(refunds=tuple(refunds), stock=stock)


# --- partial cancellation -------------------------------------------------------------


@dataclass(frozen=True)
class LinesCancelled:
    order: Order
    settlement: Settlement


def cancel_lines(
    *,
    actor: TeamMember,
    order_id: int,
    expected_version: int,
    quantities: Mapping[int, int],
    reason: str = "",
) -> LinesCancelled:
    """Take ``quantities`` (order line id -> how many to remove) off an open site or
    table order: lines go down or disappear, the totals follow, the stock comes back,
    the difference is refunded (card first), the customer is emailed. Removing every
    line is refused: cancel the order instead (its fees and fulfilment go too)."""
    require(actor, Permission.MANAGE_ORDERS)
    reason = " ".join((reason or "").split())[:100]
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("customer", "location")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            raise NotFound(_("No such order."))
        require_location(actor, order.location_id)
        if order.source == OrderSource.PARTNER:
            raise Conflict(
                _("This order came from a partner platform: change it there."),
                code="partner_order",
            )
        if order.version != expected_version:
            raise Conflict(
                _(
                    "Someone else changed this order while you were looking at it. Reload it to see the change, then try again."
                ),
                code="version_conflict",
            )
        fulfilment = Fulfilment.objects.filter(order=order).first()
        if order.state != OrderState.OPEN or (
            fulfilment is not None
            and fulfilment.state not in (FulfilmentState.PROPOSED, FulfilmentState.RESERVED)
        ):
            raise Conflict(
                _("Only an order not ready yet can have items removed."), code="order_closed"
            )
        lines = list(order.lines.all())
        removed = _checked_quantities(lines, quantities)
        if sum(removed.values()) == sum(line.quantity for line in lines):
            raise InvalidInput(
                {"": _("That removes every item: cancel the order instead.")},
                code="nothing_left",
            )
        # Before a deleted line loses its pk.
        stock = _return_stock(order, removed, lines)
        taken_off = [(line, removed[line.pk]) for line in lines if line.pk in removed]
        price = 0
        for line in lines:
            take = removed.get(line.pk, 0)
            if not take:
                continue
            price += line.unit_price * take
            if take == line.quantity:
                line.delete()
            else:
                OrderLine.objects.filter(pk=line.pk).update(
                    quantity=F("quantity") - take, total=F("total") - line.unit_price * take
                )
        subtotal = order.subtotal - price
        discount = _discount_left(order, subtotal)
        total = subtotal + order.fees - discount
        # What was paid for what is removed: never more than the order's payments.
        amount = order.total - total
        now = timezone.now()
        Order.objects.filter(pk=order.pk).update(
            subtotal=subtotal,
            discount=discount,
            total=total,
            version=F("version") + 1,
            updated_at=now,
        )
        order.refresh_from_db(fields=["subtotal", "discount", "total", "version", "updated_at"])
        refunds = _refund(order, _allocate(_left_to_refund(order), amount), actor=actor)
        email = _email_lines_cancelled(order, taken_off, amount, reason)
        settlement = Settlement(tuple(refunds), stock)
        detail: dict[str, Any] = {"email_id": email.pk} if email is not None else {}
        record_event(
            order,
            LINES_CANCELLED,
            actor=actor,
            version=order.version,
            amount=amount,
            lines={str(pk): quantity for pk, quantity in removed.items()},
            **settlement.detail(),
            **detail,
        )
        recount_orders([order.customer_id])
    return LinesCancelled(order=order, settlement=settlement)


# --- the gateway side, after commit ------------------------------------------------------


@retrying(max_attempts=6, base_delay_seconds=30, max_delay_seconds=3600)
def refund_payment(payment_id: int, amount: int, idempotency_key: str) -> str:
    """Refund ``amount`` of a card payment at the gateway that took it. Safe to run
    twice: the gateway answers a known key with the first refund."""
    return send_card_refund(payment_id=payment_id, amount=amount, idempotency_key=idempotency_key)


def send_card_refund(*, payment_id: int, amount: int, idempotency_key: str) -> str:
    payment = Payment.objects.get(pk=payment_id)
    reference = gateway_for(payment.gateway).refund(
        reference=payment.reference, amount=amount, idempotency_key=idempotency_key
    )
    with transaction.atomic():
        already = OrderEvent.objects.filter(
            order_id=payment.order_id, kind=CARD_REFUND_SENT, detail__key=idempotency_key
        ).exists()
        if not already:
            record_event(
                payment.order_id,
                CARD_REFUND_SENT,
                payment=payment.pk,
                amount=amount,
                key=idempotency_key,
                reference=reference,
            )
    return reference


def gateway_for(name: str) -> Gateway:
    """The gateway that took a payment (not necessarily today's active one)."""
    if name == StripeGateway.name:
        return StripeGateway.from_settings()
    if name == TestGateway.name:
        return TestGateway()
    raise ValueError(f"No gateway named {name!r} can refund")


# --- the steps --------------------------------------------------------------------------


def refunded_so_far(order: Order) -> dict[int, int]:
    """Payment id -> amount already refunded (the "refunds" of the order's cancelled
    and lines-cancelled events)."""
    done: dict[int, int] = {}
    for detail in OrderEvent.objects.filter(
        order=order, kind__in=(OrderEventKind.CANCELLED, LINES_CANCELLED)
    ).values_list("detail", flat=True):
        for part in detail.get("refunds", []):
            done[part["payment"]] = done.get(part["payment"], 0) + part["amount"]
    return done


def _left_to_refund(order: Order) -> list[tuple[Payment, int]]:
    """Each payment with what is left of it, cards before gift cards."""
    done = refunded_so_far(order)
    payments = sorted(order.payments.all(), key=lambda p: (p.gateway == GIFT_CARD, p.pk))
    return [(p, p.amount - done.get(p.pk, 0)) for p in payments if p.amount > done.get(p.pk, 0)]


def _discount_left(order: Order, subtotal: int) -> int:
    """What the order's coupon still takes off once its items cost ``subtotal``: a
    percentage of what remains, a fixed amount up to what remains, never more than it
    took at checkout. The removed items are refunded at the price paid for them (their
    price less the discount they no longer carry), so a refund never exceeds what the
    payments covered and a coupon order paid nothing refunds nothing."""
    if not order.discount:
        return 0
    due = subtotal + order.fees
    coupon = order.coupons.first()
    if coupon is None:
        return min(order.discount, due)
    return min(order.discount, coupon.discount_on(amount_due=due, items_subtotal=subtotal))


def _allocate(left: list[tuple[Payment, int]], amount: int) -> list[tuple[Payment, int]]:
    parts = []
    for payment, available in left:
        if amount <= 0:
            break
        take = min(available, amount)
        parts.append((payment, take))
        amount -= take
    return parts


def _refund(
    order: Order, parts: list[tuple[Payment, int]], *, actor: TeamMember | None
) -> list[RefundPart]:
    done = []
    for payment, amount in parts:
        key = f"order-{order.pk}-v{order.version}-payment-{payment.pk}-refund"
        if payment.gateway == GIFT_CARD:
            card = GiftCard.objects.get(pk=int(payment.account))
            gift_cards.refund(card=card, amount=amount, order=order, idempotency_key=key)
        else:
            enqueue_after_commit(refund_payment, payment.pk, amount, key)
        done.append(RefundPart(payment.pk, payment.gateway, amount, key))
    return done


def _return_stock(
    order: Order, removed: Mapping[int, int], lines: list[OrderLine]
) -> dict[int, int]:
    """Counted stock back at the order's location, product id order (as placing takes
    it); products no longer sold there are skipped."""
    per_product: dict[int, int] = {}
    for line in lines:
        if line.product_id is not None and removed.get(line.pk):
            per_product[line.product_id] = per_product.get(line.product_id, 0) + removed[line.pk]
    counted = set(
        Availability.objects.filter(
            location_id=order.location_id, product_id__in=per_product, stock__isnull=False
        ).values_list("product_id", flat=True)
    )
    returned = {}
    for product_id in sorted(counted):
        line = next(line for line in lines if line.product_id == product_id)
        assert line.product is not None
        return_stock(
            product=line.product, location=order.location, quantity=per_product[product_id]
        )
        returned[product_id] = per_product[product_id]
    return returned


def _checked_quantities(lines: list[OrderLine], quantities: Mapping[int, int]) -> dict[int, int]:
    by_id = {line.pk: line for line in lines}
    removed: dict[int, int] = {}
    errors: dict[str, str] = {}
    for raw_id, quantity in quantities.items():
        try:
            line_id = int(raw_id)
        except (TypeError, ValueError):
            line_id = 0
        line = by_id.get(line_id)
        if line is None:
            errors[f"line_{raw_id}"] = _("This item is not on the order.")
        elif isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            errors[f"line_{raw_id}"] = _("Give a whole number of items to remove.")
        elif quantity > line.quantity:
            errors[f"line_{raw_id}"] = _("The order has only %(count)s of %(name)s.") % {
                "count": line.quantity,
                "name": line.name,
            }
        elif quantity:
            removed[line_id] = quantity
    if errors:
        raise InvalidInput(errors, code="invalid_quantities")
    if not removed:
        raise InvalidInput({"": _("Choose what to remove from the order.")}, code="nothing_removed")
    return removed


def _email_lines_cancelled(
    order: Order, taken_off: list[tuple[OrderLine, int]], amount: int, reason: str
) -> OutgoingEmail | None:
    if not order.email:
        return None
    shop = get_shop()
    try:
        return queue_templated_email(
            to=order.email,
            template="order_lines_cancelled",
            context={
                "order": order,
                "location": order.location,
                "removed": taken_off,
                "amount": amount,
                "reason": reason,
                "status_url": status_url(order),
            },
            language=language_for(shop, order.customer.language or order.language),
            kind="order_lines_cancelled",
        )
    except DomainError as error:
        if error.code != "invalid_email":
            raise
        return None
