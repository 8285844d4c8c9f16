"""Reads about customer records."""

from __future__ import annotations

from django.db.models.functions import Lower

from comptoir.customers.models import Customer


def customer_by_email(email: str) -> Customer | None:
    """The record with ``email``, ignoring case (uses the unique index on lower(email))."""
    email = (email or "").strip().lower()
    if not email:
        return None
    # The conditions of the partial unique index on lower(email), spelled out so that
    # PostgreSQL may use it (else it scans every customer: 35 ms at 200,000).
    return (
        Customer.objects.alias(email_ci=Lower("email"))
        .filter(email_ci=email, email__isnull=False)
        .exclude(email="")
        .first()
    )
