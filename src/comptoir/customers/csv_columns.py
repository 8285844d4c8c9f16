"""The columns of the customers CSV: the headers the back-office export writes and
every header the import recognises (English and French, case, accents, spaces and
punctuation ignored: "E-mail", "email" and "Adresse e-mail" are one column), and how
the import reads a cell (yes/oui/x, dd/mm/yyyy, particulier/entreprise, country names).

The export's own headers are recognised in every language of the dashboard, so a file
exported by anyone can be imported again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel import Locale
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import CustomerKind, Gender
from comptoir.customers.search import fold
from comptoir.users.models import Language

# A cell starting with one of these is a formula to a spreadsheet: the export prefixes
# it with an apostrophe, which the import removes again.
CSV_INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")


def protect_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(CSV_INJECTION_STARTS):
        return "'" + text
    return text


def unprotect_cell(text: str) -> str:
    """The value behind a cell written by ``protect_cell``."""
    if text.startswith("'") and text[1:].startswith(CSV_INJECTION_STARTS):
        return text[1:]
    return text


def header_key(text: str) -> str:
    """A header as compared: "Nom de l'entreprise" -> "nomdelentreprise"."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


@dataclass(frozen=True)
class Column:
    key: str  # a CustomerRecordForm field, or "billing_<address field>" / "shipping_..."
    label: str | Promise  # the export's header
    aliases: tuple[str, ...] = ()


RECORD_COLUMNS = (
    Column("first_name", _("First name"), ("Firstname", "Given name", "Prénom")),
    Column("initials", _("Initials"), ("Middle name", "Middle names", "Initiales")),
    Column(
        "last_name", _("Last name"), ("Lastname", "Surname", "Family name", "Nom", "Nom de famille")
    ),
    Column("email", _("Email"), ("E-mail", "Email address", "Mail", "Adresse e-mail", "Courriel")),
    Column(
        "phone",
        _("Phone"),
        ("Telephone", "Phone number", "Téléphone", "Tél", "Tel", "Téléphone fixe"),
    ),
    Column(
        "mobile",
        _("Mobile"),
        ("Mobile phone", "Cell phone", "Portable", "Téléphone mobile", "Téléphone portable"),
    ),
    Column("language", _("Language"), ("Langue",)),
    Column("gender", _("Gender"), ("Sex", "Genre", "Sexe", "Civilité")),
    Column("birth_date", _("Date of birth"), ("Birth date", "Birthday", "Date de naissance")),
    Column(
        "accepts_marketing",
        _("Accepts promotional email"),
        (
            "Accepts promotional emails",
            "Accepts marketing",
            "Marketing",
            "Newsletter",
            "Accepte les e-mails promotionnels",
            "Accepte les e-mails marketing",
            "Accepte la newsletter",
        ),
    ),
    Column("kind", _("Customer type"), ("Type", "Type de client")),
    Column(
        "company_name",
        _("Company name"),
        ("Company", "Nom de l'entreprise", "Entreprise", "Société", "Raison sociale"),
    ),
    Column(
        "company_id_number",
        _("Company ID number"),
        (
            "Company ID",
            "Numéro d'entreprise",
            "Numéro d'identification de l'entreprise",
            "SIRET",
            "SIREN",
        ),
    ),
    Column(
        "chamber_of_commerce_number",
        _("Chamber of commerce number"),
        ("KvK", "KvK number", "Numéro de chambre de commerce", "Numéro RCS", "RCS"),
    ),
    Column(
        "vat_id",
        _("VAT / tax ID"),
        ("VAT ID", "VAT number", "Tax ID", "Numéro de TVA", "N° TVA", "TVA intracommunautaire"),
    ),
)

BILLING_COLUMNS = (
    Column("billing_country", _("Billing country"), ("Country", "Pays")),
    Column(
        "billing_attention",
        _("Billing attention of"),
        ("Attention of", "Attention", "À l'attention de"),
    ),
    Column(
        "billing_line1",
        _("Billing address line 1"),
        ("Address", "Address line 1", "Street", "Adresse", "Adresse ligne 1", "Rue"),
    ),
    Column(
        "billing_house_number",
        _("Billing house number"),
        ("House number", "Numéro de rue", "Numéro"),
    ),
    Column(
        "billing_house_number_extension",
        _("Billing house number extension"),
        ("Extension", "House number extension", "Complément de numéro"),
    ),
    Column(
        "billing_line2",
        _("Billing address line 2"),
        ("Address line 2", "Adresse ligne 2", "Complément d'adresse"),
    ),
    Column(
        "billing_postal_code",
        _("Billing postal code"),
        ("Postal code", "Postcode", "ZIP", "ZIP code", "Code postal", "CP"),
    ),
    Column("billing_city", _("Billing city"), ("City", "Town", "Ville", "Commune")),
    Column("billing_region", _("Billing region"), ("Region", "State", "Province", "Région")),
)

SHIPPING_COLUMNS = (
    Column("shipping_country", _("Shipping country")),
    Column("shipping_attention", _("Shipping attention of")),
    Column("shipping_line1", _("Shipping address line 1")),
    Column("shipping_house_number", _("Shipping house number")),
    Column("shipping_house_number_extension", _("Shipping house number extension")),
    Column("shipping_line2", _("Shipping address line 2")),
    Column("shipping_postal_code", _("Shipping postal code")),
    Column("shipping_city", _("Shipping city")),
    Column("shipping_region", _("Shipping region")),
)

# In the export's order (after its first columns: names, email, phone and the figures).
COLUMNS = (
    *RECORD_COLUMNS,
    *BILLING_COLUMNS,
    Column(
        "shipping_same_as_billing",
        _("Shipping same as billing"),
        (
            "Same as billing",
            "Livraison identique à la facturation",
            "Adresse de livraison identique",
        ),
    ),
    *SHIPPING_COLUMNS,
    Column(
        "pending_approval",
        _("Pending approval"),
        ("En attente d'approbation", "En attente de validation", "À approuver"),
    ),
    Column("notes", _("Notes"), ("Note", "Remarques", "Commentaires", "Commentaire")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

# "Code postal de facturation", "Shipping postal code", "Postal code (shipping)"...
_ROLE_WORDS = {
    "billing": (("Billing", "Facturation"), ("billing", "de facturation", "facturation")),
    "shipping": (
        ("Shipping", "Delivery", "Livraison"),
        ("shipping", "delivery", "de livraison", "livraison"),
    ),
}


def _address_aliases() -> dict[str, set[str]]:
    """Each address field's names, with a role word before or after."""
    aliases: dict[str, set[str]] = {}
    for column in BILLING_COLUMNS:
        field = column.key.removeprefix("billing_")
        # Not "Numéro de livraison", which is rather a tracking number.
        bare = [alias for alias in column.aliases if alias != "Numéro"]
        for role, (before, after) in _ROLE_WORDS.items():
            names = aliases.setdefault(f"{role}_{field}", set())
            for name in bare:
                names.update(f"{word} {name}" for word in before)
                names.update(f"{name} {word}" for word in after)
    return aliases


BOOLEAN_WORDS = {
    True: ("yes", "y", "oui", "o", "true", "vrai", "1", "x"),
    False: ("no", "n", "non", "false", "faux", "0"),
}
KIND_WORDS = {
    CustomerKind.PERSONAL: (
        "personal",
        "private",
        "individual",
        "consumer",
        "particulier",
        "prive",
    ),
    CustomerKind.BUSINESS: (
        "business",
        "company",
        "professional",
        "pro",
        "b2b",
        "entreprise",
        "societe",
        "professionnel",
    ),
}
GENDER_WORDS = {
    Gender.FEMALE: ("female", "f", "woman", "w", "femme", "feminin", "mrs", "ms", "mme"),
    Gender.MALE: ("male", "m", "man", "homme", "h", "masculin", "mr", "monsieur"),
    Gender.OTHER: ("other", "x", "autre", "non binary", "non binaire"),
}
LANGUAGE_WORDS = {
    Language.FRENCH: ("fr", "french", "francais"),
    Language.ENGLISH: ("en", "english", "anglais"),
}


class CellError(ValueError):
    """A cell the import cannot read; the message names what was expected."""


class Reader:
    """What the import recognises, built once per import in every dashboard language
    (the export's headers and the choice labels are translated)."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}  # header_key -> column key
        self.booleans: dict[str, bool] = {}
        self.choices: dict[str, dict[str, str]] = {"kind": {}, "gender": {}, "language": {}}
        self.countries: dict[str, str] = {}
        self._load()

    def _add(self, key: str, name: object) -> None:
        self.keys.setdefault(header_key(str(name)), key)

    def _load(self) -> None:
        # The export's headers first, in every language: they win over a look-alike alias.
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for column in COLUMNS:
                    self._add(column.key, column.label)
        for column in COLUMNS:
            for alias in column.aliases:
                self._add(column.key, alias)
        for key, names in _address_aliases().items():
            for name in names:
                self._add(key, name)
        for value, words in BOOLEAN_WORDS.items():
            for word in words:
                self.booleans[fold(word)] = value
        for field, table in (
            ("kind", KIND_WORDS),
            ("gender", GENDER_WORDS),
            ("language", LANGUAGE_WORDS),
        ):
            for code, words in table.items():
                self.choices[field][fold(code)] = code
                for word in words:
                    self.choices[field][fold(word)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                self.booleans.setdefault(fold(str(_("yes"))), True)
                self.booleans.setdefault(fold(str(_("no"))), False)
                for field, choices in (
                    ("kind", CustomerKind.choices),
                    ("gender", Gender.choices),
                    ("language", Language.choices),
                ):
                    for choice, label in choices:
                        self.choices[field].setdefault(fold(str(label)), choice)
            territories = Locale.parse(language).territories
            for code, name in territories.items():
                if len(code) == 2 and code.isalpha():
                    self.countries.setdefault(fold(name), code)

    def column_for(self, header: str) -> str | None:
        return self.keys.get(header_key(header)) if header_key(header) else None

    def cell(self, key: str, text: str) -> str:
        """The form value of a non-empty cell of column ``key``. Raises CellError."""
        text = unprotect_cell(text.strip())
        if key in ("pending_approval", "accepts_marketing", "shipping_same_as_billing"):
            try:
                return "true" if self.booleans[fold(text)] else "false"
            except KeyError:
                raise CellError(_("“%(value)s” is not yes or no.") % {"value": text}) from None
        if key == "birth_date":
            return _read_date(text)
        if key in self.choices:
            # Unknown words go to the form as typed: it says which choices there are.
            return self.choices[key].get(fold(text), text)
        if key.endswith("_country"):
            code = text.upper()
            return code if len(code) == 2 else self.countries.get(fold(text), text)
        return text


def _read_date(text: str) -> str:
    """ISO or dd/mm/yyyy (a time after the date, as spreadsheets may write, is dropped)."""
    day = text.split()[0] if text.split() else text
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(day, pattern).date().isoformat()
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” is not a date: write it as 1990-05-31 or 31/05/1990.") % {"value": text}
    )
