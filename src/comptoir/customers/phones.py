"""Phone numbers, kept in E.164 so one number is written one way whatever was typed."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _

from comptoir.errors import DomainError


class InvalidPhone(DomainError):
    code = "invalid_phone"


def to_e164(raw: str, region: str) -> str:
    """``raw`` as "+33612345678"; a number without a country code is read as one of
    ``region`` (the shop's country). Blank gives "". Raises InvalidPhone."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidPhone(
            _(
                "“%(phone)s” is not a valid phone number. Include the country code (e.g. +33) if it is not a local number."
            )
            % {"phone": raw}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
