"""Reads about customer records."""

from __future__ import annotations

from django.db.models.functions import Lower

from comptoir.customers.models import Customer


def customer_by_email(email: str) -> Customer | None:
    """The record with ``email``, ignoring case (uses the unique index on lower(email))."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return Customer.objects.alias(email_ci=Lower("email")).filter(email_ci=email).first()
