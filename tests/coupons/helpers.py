"""Coupons made directly (the checkout tests need one, not its message), and the
business verification messaging requires."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from comptoir.coupons.codes import new_code
from comptoir.coupons.models import Coupon, CouponKind
from comptoir.messaging.models import BusinessVerification
from tests.factories import CustomerFactory


def make_coupon(customer=None, *, amount_off: int = 0, percent_off: int = 0, days: int = 30):
    kind = CouponKind.PERCENT if percent_off else CouponKind.AMOUNT
    return Coupon.objects.create(
        code=new_code(),
        customer=customer or CustomerFactory(),
        kind=kind,
        amount_off=amount_off if kind == CouponKind.AMOUNT else 0,
        percent_off=percent_off,
        currency="EUR",
        expires_at=timezone.now() + timedelta(days=days),
    )


def verify_business() -> BusinessVerification:
    return BusinessVerification.objects.create(
        legal_name="Boulangerie des Martyrs SARL",
        registration_number="73282932000074",
        country="FR",
        address="1 rue des Martyrs, 75009 Paris",
        owner_name="Camille Martin",
        verified_at=timezone.now(),
    )
