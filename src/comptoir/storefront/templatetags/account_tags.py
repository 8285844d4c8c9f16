"""The header's account link: "Sign in", "My account", or nothing while accounts are off."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from comptoir.accounts.selectors import customer_of
from comptoir.shop.models import Shop

register = template.Library()


@register.simple_tag
def account_nav(request: HttpRequest, shop: Shop) -> str:
    """ "off", "shopper" (signed in with an account) or "visitor"."""
    if not shop.customer_accounts_enabled:
        return "off"
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "visitor"
    # Account and checkout pages have read it already (``request.customer``).
    customer = request.customer if hasattr(request, "customer") else customer_of(user)
    return "shopper" if customer is not None else "visitor"
