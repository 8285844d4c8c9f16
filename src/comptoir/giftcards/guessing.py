"""The brake on guessing codes: balance checks and redemptions by code (the public
side: storefront, checkout) count the codes that match no card, per IP address; after
FAILURES_PER_ADDRESS of them within WINDOW, that address is refused every lookup, known
code or not, until the oldest failure that counts leaves the window ("try again after
HH:MM", the sign-in brake's message, ``accounts.services.attempts.TooManyAttempts``).

Failures live in the database (``CodeLookupFailure``) so every app server process sees
the same counts; refused lookups are not recorded, so the time given holds. Call these
outside the caller's transaction (a failure recorded inside one that rolls back would be
lost). Staff lookups in the dashboard are not braked: they need a permission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.services.attempts import TooManyAttempts
from comptoir.errors import NotFound
from comptoir.giftcards import codes, services
from comptoir.giftcards.models import CodeLookupFailure, GiftCard, GiftCardActivity
from comptoir.orders.models import Order

FAILURES_PER_ADDRESS: int = getattr(settings, "COMPTOIR_GIFT_CARD_FAILURES_PER_ADDRESS", 10)
WINDOW = timedelta(minutes=getattr(settings, "COMPTOIR_GIFT_CARD_FAILURE_WINDOW_MINUTES", 15))


@dataclass(frozen=True)
class Balance:
    code: str  # as displayed, in groups of four
    balance: int
    currency: str
    state: str


def blocked_until(ip_address: str | None) -> datetime | None:
    since = timezone.now() - WINDOW
    failures = CodeLookupFailure.objects.filter(at__gt=since)
    failures = (
        failures.filter(ip_address=ip_address)
        if ip_address
        else failures.filter(ip_address__isnull=True)
    )
    times = list(failures.order_by("-at").values_list("at", flat=True)[:FAILURES_PER_ADDRESS])
    if len(times) < FAILURES_PER_ADDRESS:
        return None
    return times[FAILURES_PER_ADDRESS - 1] + WINDOW


def card_for_code(*, code: str, ip_address: str | None) -> GiftCard:
    """The card with ``code`` as the shopper typed it. Raises TooManyAttempts (429)
    while the address is braked, NotFound (recorded as a failure) for an unknown code."""
    until = blocked_until(ip_address)
    if until is not None:
        raise TooManyAttempts(until)
    normalised = codes.normalise(code)
    card = GiftCard.objects.filter(code=normalised).first() if normalised else None
    if card is None:
        now = timezone.now()
        CodeLookupFailure.objects.filter(at__lte=now - WINDOW).delete()
        CodeLookupFailure.objects.create(ip_address=ip_address or None, at=now)
        raise NotFound(
            _("No gift card has this code. Check it and try again."), code="unknown_gift_card"
        )
    return card


def check_balance(*, code: str, ip_address: str | None) -> Balance:
    """What is left on the card, for the public balance check."""
    card = card_for_code(code=code, ip_address=ip_address)
    return Balance(
        code=card.display_code, balance=card.balance, currency=card.currency, state=card.state
    )


def redeem_by_code(
    *,
    code: str,
    ip_address: str | None,
    amount: int,
    idempotency_key: str,
    order: Order | None = None,
) -> GiftCardActivity:
    """Checkout's redemption of a typed code: the lookup is braked, then ``redeem``."""
    card = card_for_code(code=code, ip_address=ip_address)
    return services.redeem(card=card, amount=amount, idempotency_key=idempotency_key, order=order)
