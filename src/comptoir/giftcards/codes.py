"""Gift-card codes.

Physical cards carry a pre-printed code of 8 to 20 letters and digits that staff type
to activate them: spaces and dashes are dropped and letters upper-cased, so "abcd-1234
efgh" and "ABCD1234EFGH" are the same card. Codes the shop issues (e-gift cards) are
16 characters drawn with ``secrets`` from an alphabet without look-alikes (no 0/O,
1/I/L): 31**16, about 7 * 10**23 codes, so guessing one is hopeless, and a code read
aloud or copied by hand cannot be mistyped into another valid-looking one."""

from __future__ import annotations

import re
import secrets

from django.utils.translation import gettext as _

from comptoir.errors import InvalidInput

UNAMBIGUOUS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ISSUED_LENGTH = 16
PHYSICAL_MIN_LENGTH = 8
PHYSICAL_MAX_LENGTH = 20
# The longest code a card can have (the database column).
MAX_CODE_LENGTH = max(ISSUED_LENGTH, PHYSICAL_MAX_LENGTH)

_SEPARATORS = re.compile(r"[\s\-\u00a0\u2010-\u2015]+")
_ALPHANUMERIC = re.compile(r"^[A-Z0-9]+$")


def normalise(code: str) -> str:
    """A typed code as stored: without spaces or dashes, in upper case."""
    return _SEPARATORS.sub("", code or "").upper()


def validate_physical(code: str) -> str:
    """The normalised code of a pre-printed card, or InvalidInput on the ``code`` field."""
    normalised = normalise(code)
    if not _ALPHANUMERIC.match(normalised) or not (
        PHYSICAL_MIN_LENGTH <= len(normalised) <= PHYSICAL_MAX_LENGTH
    ):
        raise InvalidInput(
            {
                "code": _(
                    "A card code has %(min)d to %(max)d letters and digits "
                    "(spaces and dashes are ignored)."
                )
                % {"min": PHYSICAL_MIN_LENGTH, "max": PHYSICAL_MAX_LENGTH}
            },
            code="invalid_code",
        )
    return normalised


def new_issued_code() -> str:
    return "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(ISSUED_LENGTH))


def display(code: str) -> str:
    """Groups of four for reading ("ABCD EFGH JKMN PQRS"); normalise() undoes it."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
