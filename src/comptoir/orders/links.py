"""Addresses of order pages that go out in emails and texts."""

from __future__ import annotations

from comptoir.orders.models import Order
from comptoir.shop.links import absolute_url


def status_path(order: Order) -> str:
    """The order's status page, opened with its secret token (no sign-in needed)."""
    return f"/orders/{order.number}/status/{order.status_token}/"


def status_url(order: Order) -> str:
    """Absolute when the shop's public address is configured (emails need it), else the path."""
    return absolute_url(status_path(order))
