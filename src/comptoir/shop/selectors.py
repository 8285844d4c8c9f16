"""Reads about the shop and its locations."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.shop.models import Location, Shop


def get_shop() -> Shop:
    """The shop of this installation, created with defaults on first use."""
    shop, _ = Shop.objects.get_or_create(pk=Shop.SINGLETON_PK)
    return shop


def active_locations() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).prefetch_related("opening_hours")


def language_for(shop: Shop, preferred: str | None) -> str:
    """Language of an email or text to someone who prefers ``preferred``: theirs
    when the shop publishes it, else the shop's published language."""
    if preferred and preferred in shop.languages:
        return preferred
    return shop.published_language
