"""The demo seed's coupon: sent once by email to a customer who accepts promotional
email; a second run adds none; without a verified business it says why."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.coupons.demo import seed_demo_coupons
from comptoir.coupons.models import Coupon
from comptoir.messaging.models import MessageKind
from tests.coupons.helpers import verify_business
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_sends_one_coupon(owner, english_shop):
    verify_business()
    CustomerFactory(accepts_marketing=False)
    helene = CustomerFactory(email="helene@example.com", accepts_marketing=True)
    created: dict[str, int] = {}
    said: list[str] = []

    coupon = seed_demo_coupons(owner=owner, created=created, report=said.append)
    seed_demo_coupons(owner=owner, created=created, report=said.append)

    assert Coupon.objects.get() == coupon
    assert coupon.customer == helene and coupon.message.kind == MessageKind.COUPON
    assert created == {"coupons": 1}
    assert said == [f"Demo coupon {coupon.display_code} sent to {helene} (use it at checkout)."]


def test_without_a_verified_business_the_demo_says_why(owner, english_shop):
    CustomerFactory(accepts_marketing=True)
    said: list[str] = []

    with translation.override("en"):
        assert seed_demo_coupons(owner=owner, created={}, report=said.append) is None
    assert said[0].startswith("Demo coupon not sent: Messaging starts once the business")
    assert not Coupon.objects.exists()
