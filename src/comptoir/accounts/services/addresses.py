"""The shopper's saved delivery addresses: add, edit, delete, choose the primary one
(at most one, also enforced by a partial unique constraint)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import SavedAddress
from comptoir.accounts.services import primary as primary_rows
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.errors import InvalidInput
from comptoir.shop.selectors import get_shop


@dataclass(frozen=True)
class AddressFields:
    address_line1: str
    postal_code: str
    city: str
    address_line2: str = ""
    country: str = ""  # blank: the shop's country
    label: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""


def add_address(
    *, customer: Customer, fields: AddressFields, make_primary: bool = False
) -> SavedAddress:
    """Save a new address; the first one becomes the primary delivery address."""
    values = _clean(fields)
    with transaction.atomic():
        addresses = _locked(customer)
        primary = primary_rows.claim_primary(addresses, wanted=make_primary)
        return SavedAddress.objects.create(customer=customer, is_primary=primary, **values)


def update_address(
    *, customer: Customer, address_id: int, fields: AddressFields, make_primary: bool = False
) -> SavedAddress:
    values = _clean(fields)
    with transaction.atomic():
        addresses = _locked(customer)
        address = _find(addresses, address_id)
        if make_primary and not address.is_primary:
            addresses.filter(is_primary=True).update(is_primary=False)
            address.is_primary = True
        for name, value in values.items():
            setattr(address, name, value)
        address.save(update_fields=[*values, "is_primary"])
    return address


def make_address_primary(*, customer: Customer, address_id: int) -> SavedAddress:
    with transaction.atomic():
        addresses = _locked(customer)
        address = _find(addresses, address_id)
        primary_rows.make_primary(addresses, address)
    return address


def delete_address(*, customer: Customer, address_id: int) -> None:
    """Delete an address; when it was the primary one, the oldest remaining becomes
    primary (a shopper with addresses always has a primary one)."""
    with transaction.atomic():
        addresses = _locked(customer)
        address = _find(addresses, address_id)
        address.delete()
        if address.is_primary:
            primary_rows.promote_successor(addresses)


def _locked(customer: Customer) -> QuerySet[SavedAddress]:
    return primary_rows.locked_rows(SavedAddress, customer)


def _find(addresses: QuerySet[SavedAddress], address_id: int) -> SavedAddress:
    return primary_rows.find(addresses, address_id, _("No such address."))


def _clean(fields: AddressFields) -> dict[str, str]:
    errors: dict[str, str | Promise] = {}
    values = {
        "label": fields.label.strip(),
        "first_name": fields.first_name.strip(),
        "last_name": fields.last_name.strip(),
        "address_line1": fields.address_line1.strip(),
        "address_line2": fields.address_line2.strip(),
        "postal_code": " ".join(fields.postal_code.split()).upper(),
        "city": fields.city.strip(),
        "country": (fields.country.strip() or get_shop().country or "FR").upper(),
        "phone": "",
    }
    if not values["address_line1"]:
        errors["address_line1"] = _("Enter the street address.")
    if not values["postal_code"]:
        errors["postal_code"] = _("Enter the postal code.")
    elif not all(char.isalnum() or char in " -" for char in values["postal_code"]):
        errors["postal_code"] = _("A postal code has only letters, digits, spaces and dashes.")
    if not values["city"]:
        errors["city"] = _("Enter the city.")
    if len(values["country"]) != 2 or not values["country"].isalpha():
        errors["country"] = _("Choose a country.")
    try:
        values["phone"] = to_e164(fields.phone, values["country"])
    except InvalidPhone as error:
        errors["phone"] = error.message
    if errors:
        raise InvalidInput(errors)
    return values
