"""The rows gift-card services lock, and in which order.

Every activity locks its card row first (``select_for_update``), then claims its
idempotency key by inserting the activity row. Two redemptions of the same card
therefore run one after the other: the second reads the balance the first left."""

from __future__ import annotations

from comptoir.giftcards.models import GiftCard


def lock_card(card_id: int) -> GiftCard:
    return GiftCard.objects.select_for_update().get(pk=card_id)


def lock_card_by_code(code: str) -> GiftCard | None:
    return GiftCard.objects.select_for_update().filter(code=code).first()
