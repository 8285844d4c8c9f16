"""What a page needs to take a card: which gateway's form to show and its settings.

Used by the checkout, donation and account "add a card" pages with the partial
``storefront/checkout/_card_fields.html`` inside a ``<form {{ card_entry.form_attributes }}>``
that has a hidden ``card_token`` input (see ``static/comptoir/test-gateway.js``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from comptoir.shop.models import PaymentGateway
from comptoir.shop.selectors import get_shop


@dataclass(frozen=True)
class CardEntry:
    gateway: str  # "test" or "stripe"
    stripe_key: str

    @property
    def is_test(self) -> bool:
        return self.gateway == PaymentGateway.TEST

    @property
    def form_attributes(self) -> SafeString:
        failed = _("The card could not be checked. Try again.")
        if self.is_test:
            return format_html(
                'data-card-form data-token-url="{}" data-card-failed="{}"',
                reverse("storefront:test_gateway_token"),
                failed,
            )
        return format_html(
            'data-card-form data-stripe-key="{}" data-card-failed="{}"', self.stripe_key, failed
        )


def card_entry() -> CardEntry:
    return CardEntry(
        gateway=str(get_shop().payment_gateway),
        stripe_key=getattr(settings, "STRIPE_PUBLISHABLE_KEY", "") or "",
    )
