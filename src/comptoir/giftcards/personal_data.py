"""What the customer export, erasure and merge do with gift cards (wired by
``customers``: this module only answers for the gift-card app).

- ``gift_cards_of``: the cards bought by or attached to the customer, and the e-gift
  cards sent to their email, with their ledgers (for the JSON export).
- ``erase_for``: blanks the recipient's name and email, the sender's name and the
  message of those cards; codes, balances and ledgers stay (they are the shop's money).
- ``move_to``: the merged record's cards now belong to the kept one."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from comptoir.customers.models import Customer
from comptoir.giftcards.models import GiftCard


def _cards(customer: Customer) -> QuerySet[GiftCard]:
    related = Q(customer=customer)
    if customer.email:
        related |= Q(recipient_email__iexact=customer.email)
    return GiftCard.objects.filter(related).order_by("created_at", "id")


def gift_cards_of(customer: Customer) -> list[dict[str, Any]]:
    cards = _cards(customer).prefetch_related("activities")
    return [
        {
            "code": card.display_code,
            "type": card.kind,
            "state": card.state,
            "balance": card.balance,
            "currency": card.currency,
            "bought_by_or_held_by_this_customer": card.customer_id == customer.pk,
            "recipient_name": card.recipient_name,
            "recipient_email": card.recipient_email,
            "sender_name": card.sender_name,
            "message": card.message,
            "delivery_date": card.delivery_date,
            "emailed_at": card.delivered_at,
            "created_at": card.created_at,
            "activities": [
                {
                    "kind": activity.kind,
                    "amount": activity.amount,
                    "balance_after": activity.balance_after,
                    "reason": activity.reason,
                    "order_id": activity.order_id,
                    "at": activity.created_at,
                }
                for activity in sorted(card.activities.all(), key=lambda a: (a.created_at, a.pk))
            ],
        }
        for card in cards
    ]


def erase_for(customer: Customer) -> int:
    """Blank the personal text on the customer's cards; returns how many cards.
    Call it before the customer's own email is blanked (it finds cards sent to it)."""
    return _cards(customer).update(
        recipient_name="", recipient_email="", sender_name="", message=""
    )


def move_to(kept: Customer, merged: Customer) -> int:
    """Give ``merged``'s cards to ``kept``; returns how many moved."""
    return GiftCard.objects.filter(customer=merged).update(customer=kept)
