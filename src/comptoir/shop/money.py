"""Money is an integer of minor units beside the shop's currency; this turns it into
what a person reads, in their language (``1250`` EUR -> "12,50 €" / "€12.50")."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def minor_to_decimal(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-get_currency_precision(currency))


def decimal_to_minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(get_currency_precision(currency)).to_integral_exact())


# Pure and costly (babel parses the locale's pattern each call), while a catalog page
# shows the same few prices many times: remember recent results.
@lru_cache(maxsize=4096)
def format_money(amount: int, currency: str, language: str) -> str:
    return format_currency(
        minor_to_decimal(amount, currency), currency, locale=LOCALES.get(language[:2], "fr_FR")
    )
