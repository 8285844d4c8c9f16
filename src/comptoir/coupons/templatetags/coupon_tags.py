"""What coupons took off an order, for the storefront's confirmation page."""

from __future__ import annotations

from django import template

from comptoir.coupons.models import Coupon
from comptoir.orders.models import Order

register = template.Library()


@register.simple_tag
def coupons_used(order: Order) -> list[Coupon]:
    return list(Coupon.objects.filter(redeemed_order=order).order_by("id"))
