"""The order receipt, rendered by the mail worker from the order's id (see
docs/decisions/0010-receipt-rendered-by-the-worker.md)."""

from __future__ import annotations

from typing import Any

from comptoir.orders.links import status_url
from comptoir.orders.models import Fulfilment, Order

RECEIPT_TEMPLATE = "order_receipt"


def receipt_context(order_id: int) -> dict[str, Any]:
    """What ``mail/order_receipt.*`` shows: the order as placed, its lines, its
    fulfilment (none for donations) and the status page's link."""
    order = Order.objects.select_related("location").get(pk=order_id)
    return {
        "order": order,
        "lines": list(order.lines.order_by("id")),
        "fulfilment": Fulfilment.objects.filter(order=order).first(),
        "status_url": status_url(order),
    }
