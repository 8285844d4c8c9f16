"""Coupon codes: 12 characters drawn with ``secrets`` from the gift cards' alphabet
without look-alikes (no 0/O, 1/I/L), 31**12 (about 8 * 10**17) codes, so guessing one
at checkout is hopeless. Shown in groups of four; spaces, dashes and case are ignored
when typed (``normalise``)."""

from __future__ import annotations

import secrets

from comptoir.giftcards.codes import UNAMBIGUOUS_ALPHABET, display, normalise

CODE_LENGTH = 12

__all__ = ["CODE_LENGTH", "display", "new_code", "normalise"]


def new_code() -> str:
    return "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(CODE_LENGTH))
