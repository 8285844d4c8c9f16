"""Reads of text consent, for the customer profile and the attestation dialog."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.consent.models import ConsentRecord, TextSubscription
from comptoir.customers.models import Customer


def consent_history(customer: Customer) -> QuerySet[ConsentRecord]:
    """Every grant and withdrawal, newest first, with the team member who acted."""
    return (
        ConsentRecord.objects.filter(customer=customer)
        .select_related("staff__user", "order")
        .order_by("-at", "-id")
    )


def subscriptions_of(customer: Customer) -> QuerySet[TextSubscription]:
    return TextSubscription.objects.filter(customer=customer).order_by("number")


def subscription_of_number(number: str) -> TextSubscription | None:
    return TextSubscription.objects.filter(number=number).first()
