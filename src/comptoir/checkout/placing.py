"""Pay, then place the order: the one sequence every checkout (site, wallet, donation) runs.

The charge happens outside any database transaction (no network I/O while one is
open); ``place_order`` then writes everything in one transaction. When the order is
refused after the money was taken (stock sold meanwhile, prices changed), the charge
is refunded before the refusal reaches the shopper. Every gateway call carries a key
derived from the checkout's idempotency key, so a double submit charges once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from comptoir.catalog.models import Product
from comptoir.errors import DomainError
from comptoir.orders.models import Order
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.services import Contact, FulfilmentChoice, place_donation, place_order
from comptoir.payments.gateways.base import Gateway, PaymentResult
from comptoir.shop.models import Location
from comptoir.users.models import User


@dataclass(frozen=True)
class Tender:
    """How the shopper pays: a tokenized card, a saved card (its gateway reference and
    the customer's reference at the gateway), or an express wallet token."""

    card_token: str = ""
    customer_reference: str | None = None
    wallet_token: str = ""


def amount_due(lines: Sequence[tuple[Product, int]], fulfilment: FulfilmentChoice | None) -> int:
    """What the shopper pays at today's prices (``place_order`` checks it again)."""
    return sum(product.price * quantity for product, quantity in lines) + (
        fulfilment.fee if fulfilment else 0
    )


def pay_and_place_order(
    *,
    gateway: Gateway,
    idempotency_key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    contact: Contact,
    fulfilment: FulfilmentChoice | None,
    currency: str,
    language: str,
    card_token: str = "",
    tender: Tender | None = None,
    sms_consent: str | None = None,
    account_user: User | None = None,
) -> Order:
    """Charge the card (or wallet), place the order, refund if the order is refused.
    Raises PaymentFailed (nothing charged) or the order's DomainError (charge refunded)."""
    return _pay_then(
        gateway=gateway,
        idempotency_key=idempotency_key,
        amount=amount_due(lines, fulfilment),
        currency=currency,
        tender=tender or Tender(card_token=card_token),
        place=lambda payment: place_order(
            idempotency_key=idempotency_key,
            location=location,
            lines=lines,
            contact=contact,
            fulfilment=fulfilment,
            payment=payment,
            language=language,
            sms_consent=sms_consent,
            account_user=account_user,
        ),
    )


def pay_and_place_donation(
    *,
    gateway: Gateway,
    idempotency_key: str,
    location: Location,
    amount: int,
    note: str,
    contact: Contact,
    currency: str,
    language: str,
    tender: Tender,
    account_user: User | None = None,
) -> Order:
    """The donation's version of ``pay_and_place_order``: same charge, refund and key."""
    return _pay_then(
        gateway=gateway,
        idempotency_key=idempotency_key,
        amount=amount,
        currency=currency,
        tender=tender,
        place=lambda payment: place_donation(
            idempotency_key=idempotency_key,
            location=location,
            amount=amount,
            note=note,
            contact=contact,
            payment=payment,
            language=language,
            account_user=account_user,
        ),
    )


def _pay_then(
    *,
    gateway: Gateway,
    idempotency_key: str,
    amount: int,
    currency: str,
    tender: Tender,
    place: Callable[[PaymentResult], Order],
) -> Order:
    placed = order_placed_with(idempotency_key)
    if placed is not None:
        return placed
    if tender.wallet_token:
        # Wallet methods are never saved: the token pays this order only.
        payment = gateway.charge_wallet(
            amount=amount,
            currency=currency,
            wallet_token=tender.wallet_token,
            idempotency_key=f"{idempotency_key}:charge",
        )
    else:
        payment = gateway.charge(
            amount=amount,
            currency=currency,
            card_token=tender.card_token,
            idempotency_key=f"{idempotency_key}:charge",
            customer_reference=tender.customer_reference,
        )
    try:
        return place(payment)
    except DomainError:
        gateway.refund(
            reference=payment.reference,
            amount=payment.amount,
            idempotency_key=f"{idempotency_key}:refund",
        )
        raise
