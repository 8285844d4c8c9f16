"""The shop's business identity, which must be complete and valid before it messages
customers: legal name, registration number (checked with python-stdnum where the shop's
country has a company-number module: a SIRET in France), business address, owner's name.

Saving it again re-checks it: ``verified_at`` is set afresh when the new values are valid
and cleared when they are not, so an edit never keeps an old approval."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumError

from comptoir.errors import InvalidInput
from comptoir.messaging.models import BusinessVerification
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# The python-stdnum module checking a company registration number, per country, and
# what the number is called there. Other countries: any non-empty number.
REGISTRATION_NUMBERS: dict[str, tuple[str, Promise]] = {
    "FR": ("stdnum.fr.siret", gettext_lazy("SIRET (14 digits)")),
    "BE": ("stdnum.be.vat", gettext_lazy("enterprise number")),
    "AT": ("stdnum.at.businessid", gettext_lazy("company register number")),
    "DK": ("stdnum.dk.cvr", gettext_lazy("CVR number")),
    "FI": ("stdnum.fi.ytunnus", gettext_lazy("Business ID (Y-tunnus)")),
    "NO": ("stdnum.no.orgnr", gettext_lazy("organisation number")),
    "SE": ("stdnum.se.orgnr", gettext_lazy("organisation number")),
    "PL": ("stdnum.pl.regon", gettext_lazy("REGON")),
    "ES": ("stdnum.es.cif", gettext_lazy("CIF")),
    "IT": ("stdnum.it.iva", gettext_lazy("partita IVA")),
    "CH": ("stdnum.ch.uid", gettext_lazy("UID")),
    "US": ("stdnum.us.ein", gettext_lazy("EIN")),
    "CA": ("stdnum.ca.bn", gettext_lazy("Business Number")),
    "AU": ("stdnum.au.abn", gettext_lazy("ABN")),
}

FIELDS = ("legal_name", "registration_number", "address", "owner_name")


def _checker(country: str) -> ModuleType | None:
    entry = REGISTRATION_NUMBERS.get(country.upper())
    return importlib.import_module(entry[0]) if entry else None


def registration_label(country: str) -> str:
    entry = REGISTRATION_NUMBERS.get(country.upper())
    return str(entry[1]) if entry else _("registration number")


def current() -> BusinessVerification | None:
    return BusinessVerification.objects.order_by("pk").first()


def is_verified() -> bool:
    return BusinessVerification.objects.filter(verified_at__isnull=False).exists()


def problems(values: Mapping[str, str], country: str) -> dict[str, str]:
    """What keeps ``values`` from counting as verified, by field (empty when none)."""
    found: dict[str, str] = {}
    labels = {
        "legal_name": _("Enter the legal business name."),
        "registration_number": _("Enter the %(number)s.") % {"number": registration_label(country)},
        "address": _("Enter the business address."),
        "owner_name": _("Enter the owner's name."),
    }
    for field in FIELDS:
        if not (values.get(field) or "").strip():
            found[field] = labels[field]
    number = (values.get("registration_number") or "").strip()
    checker = _checker(country)
    if number and checker is not None:
        try:
            checker.validate(number)
        except StdnumError:
            found["registration_number"] = _(
                "“%(value)s” is not a valid %(number)s: check it on your registration papers."
            ) % {"value": number, "number": registration_label(country)}
    return found


def save_verification(*, actor: TeamMember, values: Mapping[str, str]) -> BusinessVerification:
    """Store the business identity. Valid and complete: verified now. Otherwise the
    values are kept (so nothing typed is lost), the shop is not verified, and
    InvalidInput names each problem."""
    require(actor, Permission.MANAGE_SETTINGS)
    country = get_shop().country
    found = problems(values, country)
    number = (values.get("registration_number") or "").strip()
    checker = _checker(country)
    if not found and checker is not None:
        number = checker.compact(number)
    with transaction.atomic():
        row = BusinessVerification.objects.select_for_update().order_by("pk").first()
        row = row or BusinessVerification()
        row.legal_name = (values.get("legal_name") or "").strip()
        row.registration_number = number
        row.address = (values.get("address") or "").strip()
        row.owner_name = (values.get("owner_name") or "").strip()
        row.country = country
        row.verified_at = None if found else timezone.now()
        row.updated_by = actor
        row.save()
    if found:
        raise InvalidInput(found, code="verification_incomplete")
    return row
