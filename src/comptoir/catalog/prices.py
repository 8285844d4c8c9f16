"""Prices as people type them ("2,50", "2.50", "1 250,00 €") turned into the integer
minor units the catalog stores. Kept in the domain so the dashboard form, the API
and imports all accept and refuse the same things with the same messages."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision
from django.utils.translation import gettext as _

from comptoir.errors import DomainError
from comptoir.shop.money import decimal_to_minor

# The column is a 32-bit signed integer on PostgreSQL.
MAX_MINOR_UNITS = 2_147_483_647

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_SYMBOLS = re.compile(r"[€$£]|[A-Za-z]{3}$|^[A-Za-z]{3}")
_PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def parse_amount(text: str) -> Decimal:
    """A non-negative amount from text; a comma or a dot may mark the decimals, and
    spaces, apostrophes or the other mark may group thousands."""
    cleaned = _SYMBOLS.sub("", _SPACES.sub("", text or ""))
    if "," in cleaned and "." in cleaned:
        # Both marks: the last one separates the decimals, the other groups thousands.
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(grouping, "")
    cleaned = cleaned.replace(",", ".")
    if not _PLAIN_NUMBER.match(cleaned):
        raise DomainError(_("Enter a price like 2,50 or 2.50."), code="invalid_price")
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules it out
        raise DomainError(_("Enter a price like 2,50 or 2.50."), code="invalid_price") from error


def to_minor_units(price: Decimal | str | int, currency: str) -> int:
    """Minor units of ``price``. An ``int`` is taken as minor units already (250 means
    2.50 EUR), as stored; a ``Decimal`` or text is an amount in ``currency``."""
    if isinstance(price, bool) or not isinstance(price, Decimal | str | int):
        raise TypeError(f"price must be a Decimal, text or int of minor units, not {price!r}")
    if isinstance(price, int):
        minor = price
    else:
        amount = parse_amount(price) if isinstance(price, str) else price
        if not amount.is_finite():
            raise DomainError(_("Enter a price like 2,50 or 2.50."), code="invalid_price")
        precision = get_currency_precision(currency)
        exponent = amount.normalize().as_tuple().exponent
        if not isinstance(exponent, int) or exponent < -precision:
            raise DomainError(
                _("%(currency)s prices have at most %(digits)s decimals.")
                % {"currency": currency, "digits": precision},
                code="invalid_price",
            )
        minor = decimal_to_minor(amount, currency)
    if minor < 0:
        raise DomainError(_("A price cannot be negative."), code="invalid_price")
    if minor > MAX_MINOR_UNITS:
        raise DomainError(_("This price is too large."), code="invalid_price")
    return minor
