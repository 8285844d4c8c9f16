"""Changes to the shop's settings and its locations. Each checks the actor's
permission, validates every value (collecting one message per field) and writes in
one transaction, so a refused change leaves nothing half-applied."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.dateparse import parse_time
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.errors import InvalidInput, PermissionDenied
from comptoir.shop import validation
from comptoir.shop.delivery import delivery_zones_error
from comptoir.shop.models import FulfilmentType, Location, OpeningHours, PaymentGateway, Shop
from comptoir.shop.selectors import forget_read_shop
from comptoir.team.access import require, require_location, visible_location_ids
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# What an owner may change, in the order the settings form shows it.
SHOP_FIELDS = (
    "name",
    "published_language",
    "publishes_both_languages",
    "currency",
    "time_zone",
    "country",
    "contact_email",
    "contact_phone",
    "contact_address",
    "policies",
    "primary_colour",
    "background_colour",
    "text_colour",
    "font_family",
    "button_shape",
    "logo",
    "customer_accounts_enabled",
    "payment_gateway",
    "donations_enabled",
    "donation_amounts",
    "acceptance_reminder_minutes",
)
LOCATION_FIELDS = (
    "name",
    "slug",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "phone",
    "time_zone",
    "preparation_minutes",
    "fulfilment_types",
    "delivery_zones",
    "shipping_rate",
    "is_active",
    "position",
)
COLOUR_FIELDS = ("primary_colour", "background_colour", "text_colour")


def update_shop_settings(*, actor: TeamMember, **changes: Any) -> Shop:
    """Change some of the shop's settings. ``logo`` takes an uploaded image, or None/""
    to remove the logo."""
    require(actor, Permission.MANAGE_SETTINGS)
    _refuse_unknown(changes, SHOP_FIELDS)
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get_or_create(pk=Shop.SINGLETON_PK)[0]
        logo = changes.pop("logo", _UNCHANGED)
        changes = _normalise_codes(changes, upper=("currency", "country"))
        errors: dict[str, str] = {}
        if logo is not _UNCHANGED and logo and (message := _logo_error(logo)):
            errors["logo"] = message
        _check(errors, changes, "time_zone", validation.time_zone_error)
        _check(errors, changes, "currency", validation.currency_error)
        _check(errors, changes, "country", validation.country_error)
        for field in COLOUR_FIELDS:
            _check(errors, changes, field, validation.colour_error)
        _check(errors, changes, "payment_gateway", _gateway_error)
        _check(errors, changes, "donation_amounts", _donation_amounts_error)
        for field, value in changes.items():
            setattr(shop, field, value)
        if logo is not _UNCHANGED:
            shop.logo = logo or None
        _full_clean(shop, errors, exclude=["logo"])
        shop.save()
    forget_read_shop(shop)
    return shop


def can_add_location(actor: TeamMember) -> bool:
    """A new location would sit outside a location-limited member's own, so only
    members working at every location may add one."""
    return actor.has_permission(Permission.MANAGE_SETTINGS) and visible_location_ids(actor) is None


def create_location(
    *,
    actor: TeamMember,
    name: str,
    time_zone: str,
    preparation_minutes: int,
    fulfilment_types: Sequence[str],
    slug: str | None = None,
    address_line1: str = "",
    address_line2: str = "",
    postal_code: str = "",
    city: str = "",
    country: str = "FR",
    phone: str = "",
    is_active: bool = True,
    opening_hours: Iterable[tuple[int, Any, Any]] = (),
    delivery_zones: list[dict[str, Any]] | None = None,
    shipping_rate: int = 0,
) -> Location:
    require(actor, Permission.MANAGE_SETTINGS)
    if not can_add_location(actor):
        raise PermissionDenied(_("Only members who work at every location can add a location."))
    fields = {
        "name": name,
        "address_line1": address_line1,
        "address_line2": address_line2,
        "postal_code": postal_code,
        "city": city,
        "country": country,
        "phone": phone,
        "time_zone": time_zone,
        "preparation_minutes": preparation_minutes,
        "fulfilment_types": list(fulfilment_types),
        "delivery_zones": delivery_zones or [],
        "shipping_rate": shipping_rate,
        "is_active": is_active,
    }
    with transaction.atomic():
        location = Location(slug=slug or _free_slug(name))
        if slug and Location.objects.filter(slug=slug).exists():
            raise InvalidInput(
                {"slug": _("Another location already uses “%(slug)s”.") % {"slug": slug}}
            )
        last = Location.objects.order_by("-position").values_list("position", flat=True).first()
        location.position = (last or 0) + 1
        _apply_location_changes(location, fields)
        location.save()
        if opening_hours:
            _replace_opening_hours(location, opening_hours)
    return location


def update_location(*, actor: TeamMember, location: Location, **changes: Any) -> Location:
    """Change some of a location's fields; ``opening_hours`` (spans as for
    ``set_opening_hours``) replaces its hours in the same transaction."""
    require(actor, Permission.MANAGE_SETTINGS)
    require_location(actor, location)
    opening_hours = changes.pop("opening_hours", None)
    _refuse_unknown(changes, LOCATION_FIELDS)
    with transaction.atomic():
        current = Location.objects.select_for_update().get(pk=location.pk)
        slug = changes.get("slug")
        if slug and Location.objects.filter(slug=slug).exclude(pk=current.pk).exists():
            raise InvalidInput(
                {"slug": _("Another location already uses “%(slug)s”.") % {"slug": slug}}
            )
        _apply_location_changes(current, changes)
        current.save()
        if opening_hours is not None:
            _replace_opening_hours(current, opening_hours)
    return current


def set_opening_hours(
    *, actor: TeamMember, location: Location, spans: Iterable[tuple[int, Any, Any]]
) -> list[OpeningHours]:
    """Replace the location's opening hours by ``spans``: (weekday 0=Monday, opens_at,
    closes_at) with times as ``datetime.time`` or "HH:MM"."""
    require(actor, Permission.MANAGE_SETTINGS)
    require_location(actor, location)
    with transaction.atomic():
        Location.objects.select_for_update().filter(pk=location.pk).first()
        return _replace_opening_hours(location, spans)


# Internals -------------------------------------------------------------------------

_UNCHANGED = object()


def _refuse_unknown(changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _normalise_codes(changes: dict[str, Any], *, upper: Iterable[str]) -> dict[str, Any]:
    changes = dict(changes)
    for field in upper:
        if isinstance(changes.get(field), str):
            changes[field] = changes[field].strip().upper()
    if isinstance(changes.get("time_zone"), str):
        changes["time_zone"] = changes["time_zone"].strip()
    for field in COLOUR_FIELDS:
        if isinstance(changes.get(field), str):
            changes[field] = changes[field].strip().lower()
    return changes


def _check(errors: dict[str, str], changes: dict[str, Any], field: str, check) -> None:
    if field in changes and (message := check(changes[field])):
        errors[field] = message


def _donation_amounts_error(amounts: Any) -> str | None:
    if not isinstance(amounts, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in amounts
    ):
        return _("Suggested amounts must be more than zero.")
    return None


def _gateway_error(gateway: Any) -> str | None:
    if gateway == PaymentGateway.STRIPE and not settings.STRIPE_SECRET_KEY:
        return _("Stripe is not set up on this server: STRIPE_SECRET_KEY must be configured first.")
    return None


def _logo_error(logo: Any) -> str | None:
    if not isinstance(logo, UploadedFile):
        return _("Upload a picture (PNG, JPEG, GIF or WebP).")
    return validation.image_error(logo)


def _full_clean(instance, errors: dict[str, str], *, exclude: list[str] | None = None) -> None:
    """Run the model's own checks (lengths, choices, email format) and raise every
    message found, ours first."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise InvalidInput(errors)


def _apply_location_changes(location: Location, changes: dict[str, Any]) -> None:
    changes = _normalise_codes(changes, upper=("country",))
    errors: dict[str, str] = {}
    _check(errors, changes, "time_zone", validation.time_zone_error)
    _check(errors, changes, "country", validation.country_error)
    if "fulfilment_types" in changes:
        changes["fulfilment_types"] = [str(value) for value in changes["fulfilment_types"]]
        _check(errors, changes, "fulfilment_types", validation.fulfilment_error)
        # Keep the order of FulfilmentType, whatever order a form sent them in.
        rank = {value: i for i, value in enumerate(FulfilmentType.values)}
        changes["fulfilment_types"] = sorted(
            set(changes["fulfilment_types"]), key=lambda v: rank.get(v, 99)
        )
    _check(errors, changes, "delivery_zones", delivery_zones_error)
    for field, value in changes.items():
        setattr(location, field, value)
    _full_clean(location, errors, exclude=["slug"] if not location.slug else None)


def _free_slug(name: str) -> str:
    base = (slugify(name) or "location")[:50]
    slug, n = base, 1
    while Location.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _as_time(value: Any) -> datetime.time | None:
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, str):
        try:
            return parse_time(value.strip())
        except ValueError:
            return None
    return None


def _replace_opening_hours(
    location: Location, spans: Iterable[tuple[int, Any, Any]]
) -> list[OpeningHours]:
    parsed: list[validation.Span] = []
    for weekday, opens_at, closes_at in spans:
        opens, closes = _as_time(opens_at), _as_time(closes_at)
        if opens is None or closes is None:
            raise InvalidInput({"opening_hours": _("Give opening and closing times as HH:MM.")})
        try:
            day = int(weekday)
        except (TypeError, ValueError):
            day = -1
        parsed.append((day, opens, closes))
    if message := validation.opening_hours_error(parsed):
        raise InvalidInput({"opening_hours": message})
    OpeningHours.objects.filter(location=location).delete()
    return OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=day, opens_at=opens, closes_at=closes)
        for day, opens, closes in sorted(parsed)
    )
