"""The refusals every gateway raises, worded for the shopper. Both gateways use these,
so a declined card reads the same whichever processor the shop uses."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.payments.gateways.base import UNAVAILABLE, PaymentFailed


def declined() -> PaymentFailed:
    return PaymentFailed(
        _("Your bank declined this card. Try another card or payment method."), code="declined"
    )


def insufficient_funds() -> PaymentFailed:
    return PaymentFailed(
        _("Your bank declined this card for insufficient funds. Try another card."),
        code="insufficient_funds",
    )


def unreachable() -> PaymentFailed:
    return PaymentFailed(
        _("The payment service could not be reached. Nothing was charged; please try again."),
        code="gateway_unreachable",
    )


def card_unavailable() -> PaymentFailed:
    return PaymentFailed(UNAVAILABLE, code="card_unavailable")


def invalid_card(message: str | Promise | None = None) -> PaymentFailed:
    return PaymentFailed(
        message or _("The card details are not valid. Check them and try again."),
        code="invalid_card",
    )


def authentication_required() -> PaymentFailed:
    # 3-D Secure and similar checks need the shopper's bank page, which a server-side
    # charge cannot show: ask for another card rather than leave the payment pending.
    return PaymentFailed(
        _(
            "Your bank asks for an extra confirmation that this checkout cannot show. Try another card."
        ),
        code="declined",
    )
