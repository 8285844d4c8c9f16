"""Rate limits on shopper sign-in and forgot-password requests: at most N per account
(email) and M per IP address within a sliding window (settings
COMPTOIR_SHOPPER_ATTEMPTS_PER_ACCOUNT, _PER_ADDRESS, _WINDOW_MINUTES).

Rows live in the database (``SignInAttempt``) so every app server process sees the same
counts. Refused attempts are not recorded, so the time given in the message holds: the
limit lifts when the oldest attempt that counts leaves the window. Two attempts racing
at the limit may both pass (one over); that is acceptable for a brute-force brake."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import ngettext

from comptoir.accounts.models import SignInAttempt
from comptoir.errors import DomainError
from comptoir.shop.selectors import get_shop


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(_too_many_message(until))


def window() -> timedelta:
    return timedelta(minutes=settings.COMPTOIR_SHOPPER_ATTEMPTS_WINDOW_MINUTES)


def blocked_until(
    *, kind: str, email: str, ip_address: str | None, email_since: datetime | None = None
) -> datetime | None:
    """When attempts for this email or from this address are allowed again (None: now).
    ``email_since`` (the account's last successful sign-in) ends the email's count: the
    shopper got in, so earlier failures on the account no longer count against it; they
    still count against the address, so one good password reopens nothing elsewhere."""
    since = timezone.now() - window()
    recent = SignInAttempt.objects.filter(kind=kind, at__gt=since)
    for_email = recent.filter(email=email)
    if email_since is not None:
        for_email = for_email.filter(at__gt=email_since)
    until: datetime | None = None
    checks = [(for_email, settings.COMPTOIR_SHOPPER_ATTEMPTS_PER_ACCOUNT)]
    if ip_address:
        checks.append(
            (recent.filter(ip_address=ip_address), settings.COMPTOIR_SHOPPER_ATTEMPTS_PER_ADDRESS)
        )
    for attempts, limit in checks:
        # The attempt whose expiry brings the count back under the limit.
        times = list(attempts.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            lifts_at = times[limit - 1] + window()
            until = lifts_at if until is None else max(until, lifts_at)
    return until


def check_not_blocked(
    *, kind: str, email: str, ip_address: str | None, email_since: datetime | None = None
) -> None:
    until = blocked_until(kind=kind, email=email, ip_address=ip_address, email_since=email_since)
    if until is not None:
        raise TooManyAttempts(until)


def record_attempt(*, kind: str, email: str, ip_address: str | None) -> None:
    now = timezone.now()
    SignInAttempt.objects.filter(at__lte=now - window()).delete()
    SignInAttempt.objects.create(kind=kind, email=email, ip_address=ip_address or None, at=now)


def _too_many_message(until: datetime) -> str:
    minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    with timezone.override(get_shop().time_zone):
        at = formats.time_format(timezone.localtime(until), "H:i")
    return ngettext(
        "Too many attempts. Try again after %(time)s (in %(minutes)d minute).",
        "Too many attempts. Try again after %(time)s (in %(minutes)d minutes).",
        minutes,
    ) % {"time": at, "minutes": minutes}
