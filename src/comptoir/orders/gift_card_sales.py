"""An e-gift card bought on the storefront: an order without fulfilment (completed when
paid, like a donation) whose one line is the card, and the card issued in the same
transaction (``giftcards.services.issue_digital``: active at once, emailed to the
recipient on the chosen date). The caller charges first and refunds if this raises
(``checkout.placing.pay_and_place_gift_card``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.errors import DomainError, InvalidInput
from comptoir.giftcards.services import issue_digital
from comptoir.orders.models import Order
from comptoir.orders.services import (
    Contact,
    place_paid_without_fulfilment,
)
from comptoir.payments.gateways.base import PaymentResult
from comptoir.shop.models import Location
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop
from comptoir.users.models import Language, User

# Minor units: what an e-gift card may be bought for.
MIN_AMOUNT = 5_00
MAX_AMOUNT = 500_00
# How far ahead the delivery date may be.
MAX_DELIVERY_DAYS = 365


@dataclass(frozen=True)
class EGift:
    amount: int
    recipient_name: str
    recipient_email: str
    message: str = ""
    sender_name: str = ""
    delivery_date: date | None = None


def check_e_gift(gift: EGift, *, today: date | None = None) -> None:
    """Refuse bounds and dates before anything is charged (InvalidInput per field)."""
    shop = get_shop()
    today = today or timezone.localdate(timezone.now(), ZoneInfo(shop.time_zone))
    errors: dict[str, str] = {}
    if (
        isinstance(gift.amount, bool)
        or not isinstance(gift.amount, int)
        or not MIN_AMOUNT <= gift.amount <= MAX_AMOUNT
    ):
        language = translation.get_language() or "en"
        errors["amount"] = _("Choose an amount between %(min)s and %(max)s.") % {
            "min": format_money(MIN_AMOUNT, shop.currency, language),
            "max": format_money(MAX_AMOUNT, shop.currency, language),
        }
    if gift.delivery_date is not None and not (
        today <= gift.delivery_date <= today + timedelta(days=MAX_DELIVERY_DAYS)
    ):
        errors["delivery_date"] = _("Choose a date from today to a year from now.")
    if not gift.recipient_name.strip():
        errors["recipient_name"] = _("Who is the gift for?")
    if errors:
        raise InvalidInput(errors, code="invalid_e_gift")


def place_gift_card_purchase(
    *,
    idempotency_key: str,
    location: Location,
    gift: EGift,
    contact: Contact,
    payment: PaymentResult,
    language: str,
    account_user: User | None = None,
) -> Order:
    """Record the paid e-gift card purchase (or return the one placed with the key)."""
    if not idempotency_key:
        raise ValueError("place_gift_card_purchase needs an idempotency key")
    check_e_gift(gift)
    shop = get_shop()
    if payment.amount != gift.amount or payment.currency.upper() != shop.currency.upper():
        raise DomainError(_("The payment does not match the gift card."), code="total_mismatch")
    with translation.override(language if language in Language.values else shop.published_language):
        line_name = _("E-gift card for %(name)s") % {"name": gift.recipient_name.strip()}

    def issue(order: Order, language: str) -> None:
        issue_digital(
            amount=gift.amount,
            idempotency_key=f"{idempotency_key}:e-gift",
            recipient_name=gift.recipient_name,
            recipient_email=gift.recipient_email,
            delivery_date=gift.delivery_date,
            sender_name=gift.sender_name.strip(),
            message=gift.message.strip(),
            language=language,
            customer=order.customer,
            order=order,
        )

    return place_paid_without_fulfilment(
        idempotency_key=idempotency_key,
        location=location,
        amount=gift.amount,
        line_name=line_name,
        contact=contact,
        payment=payment,
        language=language,
        account_user=account_user,
        then=issue,
    )
