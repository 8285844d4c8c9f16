"""Reads about the shop and its locations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.compiled_read import CompiledRead
from comptoir.errors import NotFound
from comptoir.shop.models import Location, Shop
from comptoir.team.access import visible_location_ids

if TYPE_CHECKING:
    from comptoir.team.models import TeamMember


# The shop row read once per web request (ShopLanguageMiddleware): a checkout asks for
# it from a dozen places. Outside a request (worker, commands, tests calling services)
# every call reads the row.
_request_shop: ContextVar[Shop | None] = ContextVar("request_shop", default=None)
# Inside ``shop_read_when_needed()`` (one background task): the first ``get_shop()``
# reads the row and the later ones answer it.
_keep_first_read: ContextVar[bool] = ContextVar("keep_first_shop_read", default=False)


# Read on every web request: its SQL is compiled once per process (the row is read each time).
_shop_row = CompiledRead(lambda _: Shop.objects.filter(pk=Shop.SINGLETON_PK))


def get_shop() -> Shop:
    """The shop of this installation, created with defaults on first use."""
    cached = _request_shop.get()
    if cached is not None:
        return cached
    shop = _shop_row.first(None)
    if shop is None:
        shop, _ = Shop.objects.get_or_create(pk=Shop.SINGLETON_PK)
    if _keep_first_read.get():
        _request_shop.set(shop)
    return shop


@contextmanager
def shop_read_once() -> Iterator[Shop]:
    """Within the block, ``get_shop()`` answers the row read on entry (one request)."""
    token = _request_shop.set(None)
    shop = get_shop()
    _request_shop.set(shop)
    try:
        yield shop
    finally:
        _request_shop.reset(token)


@contextmanager
def shop_read_when_needed() -> Iterator[None]:
    """Within the block (one background task), ``get_shop()`` reads the row the first
    time it is asked and answers that row afterwards; a task that never asks reads
    nothing."""
    shop_token = _request_shop.set(None)
    keep_token = _keep_first_read.set(True)
    try:
        yield
    finally:
        _keep_first_read.reset(keep_token)
        _request_shop.reset(shop_token)


def forget_read_shop(shop: Shop) -> None:
    """A service that saved the shop hands the new row to the rest of the request."""
    if _request_shop.get() is not None:
        _request_shop.set(shop)


def active_locations() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).prefetch_related("opening_hours")


def language_for(shop: Shop, preferred: str | None) -> str:
    """Language of an email or text to someone who prefers ``preferred``: theirs
    when the shop publishes it, else the shop's published language."""
    if preferred and preferred in shop.languages:
        return preferred
    return shop.published_language


def locations_for_staff(actor: TeamMember) -> QuerySet[Location]:
    """Locations ``actor`` works at (every one for full access or all-locations members)."""
    locations = Location.objects.prefetch_related("opening_hours")
    allowed = visible_location_ids(actor)
    return locations if allowed is None else locations.filter(pk__in=allowed)


def location_for_staff(actor: TeamMember, pk: int) -> Location:
    location = locations_for_staff(actor).filter(pk=pk).first()
    if location is None:
        raise NotFound(_("No such location, or not one you work at."))
    return location
