"""What gift cards paid of an order, for the confirmation page."""

from __future__ import annotations

from django import template

from comptoir.orders.models import Order
from comptoir.orders.receipts import GiftCardPaid, gift_cards_paid

register = template.Library()


@register.simple_tag
def gift_card_payments(order: Order) -> list[GiftCardPaid]:
    return gift_cards_paid(order)
