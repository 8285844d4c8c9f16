"""The name django-axes counts sign-in failures under (see settings.AXES_*)."""

from __future__ import annotations

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email tried, lower-cased: emails sign in ignoring case, so failures must
    add up ignoring case too."""
    raw = (credentials or {}).get("username") or request.POST.get("username")
    return raw.strip().lower() if isinstance(raw, str) and raw.strip() else None
