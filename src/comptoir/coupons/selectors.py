"""Reads of coupons: a customer's coupons (their conversation, the export) and the
dashboard's list of every coupon sent; and the count of the menu's unread badge, which
came with the staff notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.coupons.models import Coupon
from comptoir.customers.models import Customer
from comptoir.messaging.selectors import conversations_for
from comptoir.team.models import TeamMember


def coupons_of_customer(customer: Customer | int) -> QuerySet[Coupon]:
    """Newest first, with the order that used each and who sent it."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    return (
        Coupon.objects.filter(customer_id=customer_id)
        .select_related("redeemed_order", "created_by__user")
        .order_by("-created_at", "-id")
    )


def coupons_sent() -> QuerySet[Coupon]:
    """Every coupon, newest first, for the dashboard's list (paged by the caller)."""
    return Coupon.objects.select_related("customer", "redeemed_order", "created_by__user").order_by(
        "-created_at", "-id"
    )


def unread_conversations(member: TeamMember) -> int:
    """How many conversations ``member`` may see hold unread messages (one COUNT)."""
    return conversations_for(member).filter(unread_count__gt=0).order_by().count()
