"""Deleting the database sessions past their expiry (Django's ``clearsessions``, run by
the worker). Only signed-in sessions are rows (decision 0033): a shopper or member who
never comes back leaves one until it expires, then this removes it."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone


def forget_expired_sessions(*, now: datetime | None = None) -> int:
    """Delete the sessions whose expiry has passed; returns how many."""
    deleted, _details = Session.objects.filter(expire_date__lt=now or timezone.now()).delete()
    return deleted
