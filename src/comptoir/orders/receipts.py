"""The order receipt, rendered by the mail worker from the order's id (see
docs/decisions/0010-receipt-rendered-by-the-worker.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from comptoir.compiled_read import CompiledRead
from comptoir.giftcards.models import GiftCardActivity
from comptoir.orders.links import status_url
from comptoir.orders.models import Fulfilment, Order

RECEIPT_TEMPLATE = "order_receipt"

_receipt_order = CompiledRead(
    lambda pk: Order.objects.select_related("location", "fulfilment").filter(pk=pk)
)


def receipt_context(order_id: int) -> dict[str, Any]:
    """What ``mail/order_receipt.*`` shows: the order as placed, its lines, its
    fulfilment (none for donations) and the status page's link."""
    # The fulfilment joined (none for donations and e-gift cards): one read fewer; the
    # statement compiled once per worker process (one per order placed).
    order = _receipt_order.first(order_id)
    if order is None:
        raise Order.DoesNotExist(f"no order {order_id}")
    fulfilment: Fulfilment | None = getattr(order, "fulfilment", None)
    return {
        "order": order,
        "lines": list(order.lines.order_by("id")),
        "fulfilment": fulfilment,
        "status_url": status_url(order),
        "gift_cards": gift_cards_paid(order),
    }


@dataclass(frozen=True)
class GiftCardPaid:
    last4: str
    amount: int
    balance_after: int  # what the card held once this order was paid


def gift_cards_paid(order: Order) -> list[GiftCardPaid]:
    """One entry per gift card that paid ``order`` (``place_order`` records each as a
    payment of the "gift_card" gateway referencing its redemption, ``gca_<id>``)."""
    payments = [p for p in order.payments.all() if p.gateway == "gift_card"]
    if not payments:
        return []
    ids = {p.pk: int(p.reference.removeprefix("gca_")) for p in payments}
    after = dict(
        GiftCardActivity.objects.filter(pk__in=ids.values()).values_list("pk", "balance_after")
    )
    return [GiftCardPaid(p.card_last4, p.amount, after.get(ids[p.pk], 0)) for p in payments]
