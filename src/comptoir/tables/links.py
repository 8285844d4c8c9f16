"""The address a table's QR code carries."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from comptoir.shop.links import absolute_url
from comptoir.tables.models import Table


def menu_path(table: Table) -> str:
    return reverse("storefront:table_menu", args=[table.token])


def menu_url(table: Table, request: HttpRequest | None = None) -> str:
    """The table menu's absolute address: on the shop's public address (PUBLIC_URL)
    when it is set, else on the address the dashboard was opened at (``request``)."""
    return absolute_url(menu_path(table), request)
