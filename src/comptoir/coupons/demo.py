"""The demo's sent coupon, for ``comptoir seed-demo`` (the lead's seed calls
``seed_demo_coupons`` after the messaging demo, once the business is verified)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from comptoir.coupons.models import Coupon, CouponKind
from comptoir.coupons.services import create_and_send_coupon
from comptoir.customers.models import Customer
from comptoir.errors import DomainError
from comptoir.messaging.models import Channel
from comptoir.team.models import TeamMember

DEMO_AMOUNT = 5_00


def seed_demo_coupons(
    *, owner: TeamMember, created: dict[str, int], report: Callable[[str], None] = print
) -> Coupon | None:
    """A €5 coupon sent by email to the first demo customer who accepts promotional
    email, valid 30 days (idempotent: none when a coupon exists). Says why when it
    cannot be sent (the business not verified, no such customer)."""
    created.setdefault("coupons", 0)
    if Coupon.objects.exists():
        return None
    customer = (
        Customer.objects.filter(accepts_marketing=True, erased_at__isnull=True)
        .exclude(email__isnull=True)
        .exclude(email="")
        .order_by("pk")
        .first()
    )
    if customer is None:
        report("Demo coupon not sent: no customer accepts promotional email.")
        return None
    try:
        coupon = create_and_send_coupon(
            actor=owner,
            customer=customer,
            channel=Channel.EMAIL,
            kind=CouponKind.AMOUNT,
            amount_off=DEMO_AMOUNT,
            valid_until=timezone.localdate() + timedelta(days=30),
        )
    except DomainError as error:
        report(f"Demo coupon not sent: {error.message}")
        return None
    created["coupons"] += 1
    report(f"Demo coupon {coupon.display_code} sent to {customer} (use it at checkout).")
    return coupon
