"""Absolute addresses of the shop's pages, for emails, texts, QR codes and pages that show
a link to copy. The shop's public address (the setting PUBLIC_URL) comes first: behind a
proxy the Host the app sees may differ from the one customers use."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def public_base() -> str:
    """The shop's public address without a trailing slash; "" when it is not set."""
    return (settings.COMPTOIR_PUBLIC_URL or "").rstrip("/")


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (from its leading "/") on the shop's public address when it is set, else
    on the address ``request`` came to; with neither, the path alone."""
    base = public_base()
    if base or request is None:
        return f"{base}{path}"
    return request.build_absolute_uri(path)
