"""Reads about a shopper's account, always starting from the signed-in login."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from comptoir.customers.models import Customer
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User


def accounts_enabled() -> bool:
    """The store toggle: when off, sign-in, sign-up and account pages are unavailable and
    checkout is guest only (no account data is deleted)."""
    return get_shop().customer_accounts_enabled


def customer_of(user: User | AnonymousUser) -> Customer | None:
    """The customer record a signed-in shopper's login is attached to (None for staff
    logins, anonymous visitors and deleted accounts)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return Customer.objects.filter(user=user).first()
