"""Pay, then place the order: the one sequence every checkout (site, wallet, donation) runs.

The charge happens outside any database transaction (no network I/O while one is
open); ``place_order`` then writes everything in one transaction. When the order is
refused after the money was taken (stock sold meanwhile, prices changed), the charge
is refunded before the refusal reaches the shopper. Every gateway call carries a key
derived from the checkout's idempotency key, so a double submit charges once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product
from comptoir.coupons.redemption import CouponTender, coupon_tender
from comptoir.coupons.redemption import redeem as redeem_coupon
from comptoir.errors import DomainError, InvalidInput
from comptoir.giftcards.guessing import card_for_code
from comptoir.giftcards.models import GiftCardState
from comptoir.orders.gift_card_sales import EGift, check_e_gift, place_gift_card_purchase
from comptoir.orders.models import Order, OrderSource
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.services import (
    Contact,
    Discount,
    FulfilmentChoice,
    GiftCardTender,
    amount_due,
    place_donation,
    place_order,
)
from comptoir.payments.gateways.base import Gateway, PaymentResult
from comptoir.shop.models import Location
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User


@dataclass(frozen=True)
class Tender:
    """How the shopper pays: a tokenized card, a saved card (its gateway reference and
    the customer's reference at the gateway), or an express wallet token."""

    card_token: str = ""
    customer_reference: str | None = None
    wallet_token: str = ""


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
    gift_card_code: str = "",
    ip_address: str | None = None,
    coupon_code: str = "",
    source: OrderSource = OrderSource.SITE,
    on_placed: Callable[[Order], object] | None = None,
) -> Order:
    """Charge the card (or wallet), place the order, refund if the order is refused.
    ``on_placed(order)`` runs in the order's transaction (``place_order``).
    Raises PaymentFailed (nothing charged) or the order's DomainError (charge refunded).

    With ``gift_card_code``, the card with that code (a braked lookup from
    ``ip_address``: unknown codes count against it) pays as much of the total as its
    balance allows and the card or wallet pays the rest (nothing to charge when the gift
    card covers it all). The redemption is part of the order's transaction: an order
    refused after the charge rolls it back, and the charge is refunded as usual.

    With ``coupon_code``, the coupon takes its part off first (checked before anything
    is charged, used in the order's transaction: a coupon used meanwhile refuses the
    order and the charge is refunded); a gift card then pays of what is left."""
    due = amount_due(lines, fulfilment)
    coupon: CouponTender | None = None
    if coupon_code and order_placed_with(idempotency_key) is None:
        coupon = coupon_tender(
            code=coupon_code,
            amount_due=due,
            items_subtotal=sum(product.price * quantity for product, quantity in lines),
        )
        due -= coupon.amount
        paying = tender or Tender(card_token=card_token)
        if due > 0 and not gift_card_code and not (paying.card_token or paying.wallet_token):
            raise InvalidInput(
                {"card_token": _("Enter your card details to pay the rest.")}, code="card_missing"
            )
    gift: GiftCardTender | None = None
    if gift_card_code and order_placed_with(idempotency_key) is None:
        gift = gift_card_tender(code=gift_card_code, ip_address=ip_address, amount_due=due)
        paying = tender or Tender(card_token=card_token)
        if gift.amount < due and not (paying.card_token or paying.wallet_token):
            shown = translation.get_language() or language
            raise InvalidInput(
                {
                    "card_token": _(
                        "The gift card pays %(paid)s, its whole balance: enter your card details for the remaining %(rest)s."
                    )
                    % {
                        "paid": format_money(gift.amount, currency, shown),
                        "rest": format_money(due - gift.amount, currency, shown),
                    }
                },
                code="gift_card_short",
            )
    return _pay_then(
        gateway=gateway,
        idempotency_key=idempotency_key,
        amount=due - (gift.amount if gift else 0),
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
            gift_card=gift,
            discount=_discount(coupon),
            source=source,
            on_placed=on_placed,
        ),
    )


def _discount(coupon: CouponTender | None) -> Discount | None:
    if coupon is None:
        return None
    coupon_id, amount = coupon.coupon.pk, coupon.amount
    return Discount(
        amount=amount,
        apply=lambda order: redeem_coupon(coupon_id=coupon_id, order=order, amount=amount),
        code=coupon.coupon.display_code,
    )


def gift_card_tender(*, code: str, ip_address: str | None, amount_due: int) -> GiftCardTender:
    """What the gift card with ``code`` can pay of ``amount_due``: all of it, or its
    whole balance. Refuses (before anything is charged) a card that is not active, is in
    another currency or holds nothing; raises TooManyAttempts / NotFound from the brake."""
    card = card_for_code(code=code, ip_address=ip_address)
    if card.state != GiftCardState.ACTIVE:
        raise InvalidInput(
            {"gift_card_code": _("This gift card cannot be used: it is not active.")},
            code="gift_card_inactive",
        )
    if card.currency.upper() != get_shop().currency.upper():
        raise InvalidInput(
            {"gift_card_code": _("This gift card is in another currency.")},
            code="gift_card_currency",
        )
    if card.balance <= 0:
        raise InvalidInput(
            {"gift_card_code": _("Nothing is left on this gift card.")},
            code="insufficient_balance",
        )
    return GiftCardTender(card=card, amount=min(card.balance, amount_due))


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
            payment=_charged(payment),
            language=language,
            account_user=account_user,
        ),
    )


def pay_and_place_gift_card(
    *,
    gateway: Gateway,
    idempotency_key: str,
    location: Location,
    gift: EGift,
    contact: Contact,
    currency: str,
    language: str,
    tender: Tender,
    account_user: User | None = None,
) -> Order:
    """An e-gift card bought on the storefront: checked first (nothing charged for a
    refused amount or date), then the same charge, refund and key as a donation."""
    check_e_gift(gift)
    return _pay_then(
        gateway=gateway,
        idempotency_key=idempotency_key,
        amount=gift.amount,
        currency=currency,
        tender=tender,
        place=lambda payment: place_gift_card_purchase(
            idempotency_key=idempotency_key,
            location=location,
            gift=gift,
            contact=contact,
            payment=_charged(payment),
            language=language,
            account_user=account_user,
        ),
    )


def _charged(payment: PaymentResult | None) -> PaymentResult:
    if payment is None:  # only a gift card paying it all charges nothing
        raise ValueError("donations and e-gift cards are always charged")
    return payment


def _pay_then(
    *,
    gateway: Gateway,
    idempotency_key: str,
    amount: int,
    currency: str,
    tender: Tender,
    place: Callable[[PaymentResult | None], Order],
) -> Order:
    placed = order_placed_with(idempotency_key)
    if placed is not None:
        return placed
    if amount == 0:  # a gift card pays it all: nothing to charge, nothing to refund
        return place(None)
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
