"""Signing partner webhooks and callbacks, both ways the same.

Headers: ``X-Comptoir-Timestamp`` (Unix seconds) and ``X-Comptoir-Signature`` (lowercase
hex HMAC-SHA256, as Uber Eats sends it) keyed with the partner's secret over
``<timestamp>.<full URL>.<raw body>``: the URL as the sender called it (scheme, host,
path and query, like Square signs its notification URL), the body byte for byte. The
timestamp in the signed text is what makes a captured request useless after 5 minutes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

TIMESTAMP_HEADER = "X-Comptoir-Timestamp"
SIGNATURE_HEADER = "X-Comptoir-Signature"
TOLERANCE_SECONDS = 5 * 60


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: str, url: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + url.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers_for(secret: str, url: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, url, body),
    }


def is_valid(
    secret: str, timestamp: str, given: str, url: str, body: bytes, *, now: float | None = None
) -> bool:
    """True when ``given`` signs this request and its timestamp is within 5 minutes of
    ``now`` either way. The comparison takes the same time whatever matches."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, url, body)
    return hmac.compare_digest(expected.encode(), (given or "").strip().lower().encode())
