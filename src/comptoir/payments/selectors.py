"""Which payment gateway the shop uses right now."""

from __future__ import annotations

import logging

from django.conf import settings

from comptoir.payments.gateways.base import UNAVAILABLE, Gateway, PaymentFailed
from comptoir.payments.gateways.stripe_gateway import StripeGateway
from comptoir.payments.gateways.testing import TestGateway
from comptoir.shop.models import PaymentGateway
from comptoir.shop.selectors import get_shop

logger = logging.getLogger(__name__)


def active_gateway() -> Gateway:
    """The gateway chosen in the shop's settings. Stripe chosen but its key since
    removed from the server refuses payments rather than fall back to the test gateway,
    which would "approve" orders without taking money."""
    if get_shop().payment_gateway == PaymentGateway.STRIPE:
        if not settings.STRIPE_SECRET_KEY:
            logger.error("The shop uses Stripe but STRIPE_SECRET_KEY is not configured")
            raise PaymentFailed(UNAVAILABLE, code="gateway_unreachable")
        return StripeGateway.from_settings()
    return TestGateway()
