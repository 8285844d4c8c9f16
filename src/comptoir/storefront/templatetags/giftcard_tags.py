"""What gift cards paid of an order, for the confirmation page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from comptoir.giftcards.models import GiftCardActivity
from comptoir.orders.models import Order

register = template.Library()


@dataclass(frozen=True)
class GiftCardPaid:
    last4: str
    amount: int
    balance_after: int  # what the card held once this order was paid


@register.simple_tag
def gift_card_payments(order: Order) -> list[GiftCardPaid]:
    """One entry per gift card that paid ``order`` (orders.services records them as
    payments of the "gift_card" gateway, referencing the redemption ``gca_<id>``)."""
    payments = [p for p in order.payments.all() if p.gateway == "gift_card"]
    if not payments:
        return []
    ids = [int(p.reference.removeprefix("gca_")) for p in payments]
    after = dict(GiftCardActivity.objects.filter(pk__in=ids).values_list("pk", "balance_after"))
    return [
        GiftCardPaid(
            last4=p.card_last4,
            amount=p.amount,
            balance_after=after.get(int(p.reference.removeprefix("gca_")), 0),
        )
        for p in payments
    ]
