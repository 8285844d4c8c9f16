"""Fixtures for the payment tests: a running Stripe stand-in with the settings pointing
at it."""

from __future__ import annotations

import pytest

from tests.payments.stripe_standin import StripeStandIn

SECRET_KEY = "sk_test_standin_51Hx"


@pytest.fixture
def stripe_standin(settings):
    standin = StripeStandIn(secret_key=SECRET_KEY).start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = standin.url
    yield standin
    standin.stop()
