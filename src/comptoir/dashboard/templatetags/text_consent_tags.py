"""The text-consent block of the customer profile: the numbers' states and every grant
and withdrawal (three queries), rendered where the profile includes it."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.consent.selectors import consent_history_entries, subscriptions_of
from comptoir.customers.models import Customer
from comptoir.team.permissions import Permission

register = template.Library()


@register.inclusion_tag("dashboard/text_consent/_history_block.html", takes_context=True)
def text_consent_history(context: template.Context, customer: Customer) -> dict[str, Any]:
    request = context.get("request")
    member = getattr(request, "member", None)
    return {
        "customer": customer,
        "subscriptions": list(subscriptions_of(customer)),
        "records": consent_history_entries(customer),
        "can_message": member is not None and member.has_permission(Permission.MESSAGE_CUSTOMERS),
        "csrf_token": context.get("csrf_token"),
    }
