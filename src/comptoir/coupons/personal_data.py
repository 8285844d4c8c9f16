"""What the customer export, erasure and merge do with coupons (wired by ``customers``:
this module only answers for the coupons app).

- ``coupons_of``: the customer's coupons, used or not (for the JSON export).
- ``erase_for``: deletes the coupons not used (they were personal offers); the used
  ones stay, with their order, as the shop's record of the discount given. A coupon
  holds no free text, so nothing else is blanked.
- merge: coupons follow the kept record (``customers.services.merging.FOLLOWERS``)."""

from __future__ import annotations

from typing import Any

from comptoir.coupons.models import Coupon
from comptoir.customers.models import Customer


def coupons_of(customer: Customer) -> list[dict[str, Any]]:
    coupons = Coupon.objects.filter(customer=customer).select_related("redeemed_order")
    return [
        {
            "code": coupon.display_code,
            "type": coupon.kind,
            "amount_off": coupon.amount_off,
            "percent_off": coupon.percent_off,
            "currency": coupon.currency,
            "expires_at": coupon.expires_at.isoformat(),
            "sent_at": coupon.created_at.isoformat(),
            "message_id": coupon.message_id,
            "redeemed_at": coupon.redeemed_at.isoformat() if coupon.redeemed_at else None,
            "order_number": coupon.redeemed_order.number if coupon.redeemed_order else None,
            "discount_given": coupon.amount_applied,
        }
        for coupon in coupons.order_by("created_at", "id")
    ]


def erase_for(customer: Customer) -> int:
    """Delete the customer's unused coupons; returns how many."""
    deleted, _ = Coupon.objects.filter(customer=customer, redeemed_at__isnull=True).delete()
    return deleted
