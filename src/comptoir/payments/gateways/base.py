"""The payment-gateway interface. Card data never reaches Comptoir in full: a gateway
turns what the shopper typed (in its own form or test sheet) into a token, and Comptoir
keeps only the token, brand, last four digits and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from comptoir.errors import DomainError


class PaymentFailed(DomainError):
    """The gateway refused or could not take the payment; the message says why, for the
    shopper. ``code`` is one of: declined, insufficient_funds, gateway_unreachable,
    card_unavailable, invalid_card."""

    code = "declined"
    status = 402


@dataclass(frozen=True)
class CardDetails:
    """What Comptoir may keep about a card (never the number or the security code)."""

    token: str  # the gateway's reference (payment method id / test token)
    brand: str  # "visa", "mastercard", ...
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class PaymentResult:
    """A successful charge."""

    gateway: str  # "test" or "stripe"
    account: str  # the gateway account the money went to (Stripe account id)
    reference: str  # the gateway's id for the charge (PaymentIntent id)
    amount: int  # minor units
    currency: str
    method: str  # "card" or "wallet"
    card: CardDetails | None  # None for wallet payments


class Gateway(Protocol):
    name: str
    can_save_cards: bool

    @property
    def account(self) -> str:
        """The gateway account money goes to and saved cards belong to (Stripe: the
        account id). Read-only, so a gateway may look it up lazily."""
        ...

    def charge(
        self,
        *,
        amount: int,
        currency: str,
        card_token: str,
        idempotency_key: str,
        customer_reference: str | None = None,
    ) -> PaymentResult:
        """Charge a tokenized card or a saved card (raises PaymentFailed)."""
        ...

    def charge_wallet(
        self, *, amount: int, currency: str, wallet_token: str, idempotency_key: str
    ) -> PaymentResult:
        """Charge an express wallet payment (Apple Pay style); wallets are never saved."""
        ...

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> str:
        """Refund (part of) a charge; returns the refund's reference."""
        ...

    def save_card(
        self, *, card_token: str, customer_reference: str | None
    ) -> tuple[CardDetails, str]:
        """Keep a card at the gateway; returns its details and the gateway customer reference."""
        ...

    def delete_card(self, *, card_token: str) -> None:
        """Remove a saved card at the gateway."""
        ...


UNAVAILABLE = _("This payment method is not available right now.")
