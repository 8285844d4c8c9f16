"""The address a table's QR code carries."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from comptoir.tables.models import Table


def menu_path(table: Table) -> str:
    return reverse("storefront:table_menu", args=[table.token])


def menu_url(table: Table, base_url: str = "") -> str:
    """The table menu's absolute address: on the shop's public address (PUBLIC_URL)
    when it is set, else on ``base_url`` (the address the dashboard was opened at)."""
    base = settings.COMPTOIR_PUBLIC_URL or base_url
    return f"{base.rstrip('/')}{menu_path(table)}"
