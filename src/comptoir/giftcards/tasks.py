"""Background tasks of the gift-card app."""

from __future__ import annotations

from comptoir.giftcards.delivery import email_gift_card
from comptoir.jobs.retry import retrying


# The task only writes the outbox row (which has its own retries to send it): a few
# quick tries cover a database hiccup.
@retrying(max_attempts=3, base_delay_seconds=30, max_delay_seconds=300)
def deliver_gift_card(card_id: int) -> str:
    return email_gift_card(card_id)
