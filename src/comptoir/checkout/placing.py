"""Pay, then place the order: the one sequence every checkout (site, wallet) runs.

The charge happens outside any database transaction (no network I/O while one is
open); ``place_order`` then writes everything in one transaction. When the order is
refused after the money was taken (stock sold meanwhile, prices changed), the charge
is refunded before the refusal reaches the shopper. Every gateway call carries a key
derived from the checkout's idempotency key, so a double submit charges once."""

from __future__ import annotations

from collections.abc import Sequence

from comptoir.catalog.models import Product
from comptoir.errors import DomainError
from comptoir.orders.models import Order
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.services import Contact, FulfilmentChoice, place_order
from comptoir.payments.gateways.base import Gateway
from comptoir.shop.models import Location
from comptoir.users.models import User


def amount_due(lines: Sequence[tuple[Product, int]], fulfilment: FulfilmentChoice | None) -> int:
    """What the shopper pays at today's prices (``place_order`` checks it again)."""
    return sum(product.price * quantity for product, quantity in lines) + (
        fulfilment.fee if fulfilment else 0
    )


def pay_and_place_order(
    *,
    gateway: Gateway,
    card_token: str,
    idempotency_key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    contact: Contact,
    fulfilment: FulfilmentChoice | None,
    currency: str,
    language: str,
    sms_consent: str | None = None,
    account_user: User | None = None,
) -> Order:
    """Charge the card, place the order, refund if the order is refused. Raises
    PaymentFailed (nothing charged) or the order's DomainError (charge refunded)."""
    placed = order_placed_with(idempotency_key)
    if placed is not None:
        return placed
    payment = gateway.charge(
        amount=amount_due(lines, fulfilment),
        currency=currency,
        card_token=card_token,
        idempotency_key=f"{idempotency_key}:charge",
    )
    try:
        return place_order(
            idempotency_key=idempotency_key,
            location=location,
            lines=lines,
            contact=contact,
            fulfilment=fulfilment,
            payment=payment,
            language=language,
            sms_consent=sms_consent,
            account_user=account_user,
        )
    except DomainError:
        gateway.refund(
            reference=payment.reference,
            amount=payment.amount,
            idempotency_key=f"{idempotency_key}:refund",
        )
        raise
