"""Delivery zones and the flat shipping rate of a location.

A location's ``delivery_zones`` is a list of ``{"postal_codes": [...], "fee": minor units}``;
no geocoding is available offline, so a zone is the list of postal codes it serves. The
owner types zones one per line, ``75009 75010 75011: 3,50`` (prices as the catalog reads
them). Fees are always computed here from the location's settings, never taken from a
browser."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from comptoir.catalog.prices import to_minor_units
from comptoir.errors import DomainError, InvalidInput
from comptoir.shop.models import Location
from comptoir.shop.money import minor_to_decimal

_CODE = re.compile(r"^[A-Za-z0-9-]{2,10}$")


def normalise_postal_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "").upper()


def delivery_fee(location: Location, postal_code: str) -> int:
    """The fee to deliver to ``postal_code`` from ``location``; raises InvalidInput
    keyed "postal_code" when no zone of the location serves it."""
    code = normalise_postal_code(postal_code)
    if not code:
        raise InvalidInput({"postal_code": _("Give the postal code.")})
    for zone in location.delivery_zones or []:
        if code in zone.get("postal_codes", []):
            return int(zone.get("fee", 0))
    raise InvalidInput(
        {
            "postal_code": _(
                "%(location)s does not deliver to %(code)s. Choose pickup, or another address."
            )
            % {"location": location.name, "code": code}
        },
        code="outside_delivery_zone",
    )


def parse_delivery_zones(text: str, currency: str) -> list[dict[str, Any]]:
    """Zones from the owner's text, one per line: postal codes, a colon, the fee.
    Raises InvalidInput keyed "delivery_zones" naming the line that is wrong."""
    zones: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        codes_text, colon, fee_text = line.rpartition(":")
        codes = [normalise_postal_code(c) for c in re.split(r"[\s,;]+", codes_text) if c.strip()]
        problem = ""
        if not colon or not codes:
            problem = _("write the postal codes, a colon, then the fee, e.g. 75009 75010: 3,50")
        elif bad := [c for c in codes if not _CODE.match(c)]:
            problem = _("%(code)s is not a postal code") % {"code": bad[0]}
        elif again := [c for c in codes if c in seen]:
            problem = _("%(code)s is already in another zone") % {"code": again[0]}
        else:
            try:
                fee = to_minor_units(fee_text.strip() or "0", currency)
            except DomainError as error:
                problem = str(error.message)
        if problem:
            raise InvalidInput(
                {
                    "delivery_zones": _("Line %(number)s: %(problem)s.")
                    % {"number": number, "problem": problem.rstrip(".")}
                }
            )
        seen.update(codes)
        zones.append({"postal_codes": codes, "fee": fee})
    return zones


def format_delivery_zones(zones: list[dict[str, Any]], currency: str) -> str:
    return "\n".join(
        f"{' '.join(zone.get('postal_codes', []))}: "
        f"{minor_to_decimal(int(zone.get('fee', 0)), currency)}"
        for zone in zones or []
    )


def delivery_zones_error(zones: Any) -> str | None:
    """The stored shape, checked by the location services whatever the caller."""
    if not isinstance(zones, list):
        return _("Delivery zones must be a list.")
    for zone in zones:
        if (
            not isinstance(zone, dict)
            or not isinstance(zone.get("postal_codes"), list)
            or not all(isinstance(c, str) and _CODE.match(c) for c in zone["postal_codes"])
            or isinstance(zone.get("fee"), bool)
            or not isinstance(zone.get("fee"), int)
            or zone["fee"] < 0
        ):
            return _("Each delivery zone needs postal codes and a fee of zero or more.")
    return None
