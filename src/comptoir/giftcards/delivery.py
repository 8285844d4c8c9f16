"""Emailing an e-gift card to its recipient, on its delivery date.

Run by the ``deliver_gift_card`` task (enqueued after commit by
``services.issue_digital`` with ``run_after`` = the delivery moment). Safe to run twice:
the card row is locked and ``delivered_at`` stamped in the same transaction as the
outbox email, so a retry or a second run sends nothing more."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from comptoir.giftcards.locks import lock_card
from comptoir.giftcards.models import GiftCard, GiftCardState
from comptoir.mail.services import queue_templated_email
from comptoir.shop.selectors import get_shop

TEMPLATE = "gift_card_delivery"


def email_gift_card(card_id: int) -> str:
    """Queue the recipient's email unless it was sent, the card was deactivated or its
    recipient erased meanwhile. Returns what it did (shown on the tasks page)."""
    with transaction.atomic():
        try:
            card = lock_card(card_id)
        except GiftCard.DoesNotExist:
            return "no such card"
        if card.delivered_at is not None:
            return "already sent"
        if card.state != GiftCardState.ACTIVE:
            return "card not active"
        if not card.recipient_email:
            return "no recipient"
        language = card.language or get_shop().published_language
        queue_templated_email(
            to=card.recipient_email,
            template=TEMPLATE,
            context={
                "recipient_name": card.recipient_name,
                "sender_name": card.sender_name,
                "message": card.message,
                "code": card.display_code,
                "amount": card.balance,
                "currency": card.currency,
            },
            language=language,
            kind=TEMPLATE,
        )
        card.delivered_at = timezone.now()
        card.save(update_fields=["delivered_at"])
    return "sent"
