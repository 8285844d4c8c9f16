"""The shopper's IP address, for the sign-in and forgot-password limits.

Behind a reverse proxy every request comes from the proxy: when the direct peer is one
of the trusted proxies (settings.COMPTOIR_TRUSTED_PROXIES, gunicorn's FORWARDED_ALLOW_IPS),
the address is the right-most X-Forwarded-For entry that is not itself a trusted proxy
(entries further left are whatever the client sent, so they are never believed)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if remote is None or not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        address = _valid(entry)
        if address is None:
            break  # garbage in the header: keep what we know for sure
        if not _trusted(address):
            return address
    return remote


def _trusted(address: str) -> bool:
    proxies = settings.COMPTOIR_TRUSTED_PROXIES
    return "*" in proxies or address in proxies


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
