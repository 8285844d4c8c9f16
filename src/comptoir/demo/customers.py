"""Demo customer records: some fifty people and companies the shop knows, as the owner
would type them in the back office. Each goes through the record form's validation
(``customers.forms``: phones to E.164, postal codes per country, EU VAT IDs) and the
``create_customer`` service with the owner as actor, so the directory, the timeline and
the consent history look as they would in a real shop.

One record is pending approval and has an account (``PENDING``): signing in with it on
the storefront shows the "awaits approval" refusal. Running the seed again creates
nothing: records are found by email first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from comptoir.accounts.selectors import accounts_enabled, customer_of
from comptoir.accounts.services.signup import create_account
from comptoir.customers.forms import CustomerRecordForm, RecordAddressForm
from comptoir.customers.models import Customer
from comptoir.customers.search import fold
from comptoir.customers.selectors import customer_by_email
from comptoir.customers.services.records import create_customer
from comptoir.demo import content
from comptoir.shop.selectors import get_shop
from comptoir.team.models import TeamMember
from comptoir.users.models import User

Report = Callable[[str], None]
Spec = dict[str, Any]

# The record pending approval, with an account (password content.DEMO_PASSWORD).
PENDING = {"email": "agnes.duboeuf@example.fr", "first_name": "Agnès", "last_name": "Dubœuf"}

# (first name, last name, gender): people buying for themselves.
PEOPLE = [
    ("Hélène", "Martin", "female"),
    ("Zoé", "Lefèvre", "female"),
    ("François", "Gérard", "male"),
    ("Jérôme", "Bérenger", "male"),
    ("Agnès", "Dubœuf", "female"),
    ("Anaïs", "Rousseau", "female"),
    ("Benoît", "Chevalier", "male"),
    ("Cécile", "Fournier", "female"),
    ("Noël", "Lambert", "male"),
    ("Maëlle", "Girard", "female"),
    ("Loïc", "Bonnet", "male"),
    ("Gaëlle", "Mercier", "female"),
    ("Raphaël", "Dupré", "male"),
    ("Thérèse", "Faure", "female"),
    ("Séverine", "André", "female"),
    ("Clément", "Rivière", "male"),
    ("Mélanie", "Guérin", "female"),
    ("Frédéric", "Boyer", "male"),
    ("Éloïse", "Garnier", "female"),
    ("Amélie", "Chéron", "female"),
    ("Joël", "Perrin", "male"),
    ("Cédric", "Legrand", "male"),
    ("Léon", "Blanchard", "male"),
    ("Aurélie", "Gauthier", "female"),
    ("Margaux", "Sénéchal", "female"),
    ("Bérénice", "Roux", "female"),
    ("Hugo", "Lemaître", "male"),
    ("Solène", "Marchand", "female"),
    ("Timothée", "Brunet", "male"),
    ("Océane", "Dumas", "female"),
    ("Émile", "Colin", "male"),
    ("Grégoire", "Caron", "male"),
    ("Ophélie", "Masson", "female"),
    ("Adèle", "Renaud", "female"),
    ("Maïwenn", "Kerhervé", "female"),
    ("Nadège", "Hébert", "female"),
    ("Sacha", "Lévy", "other"),
    ("Yannick", "Le Goff", "male"),
]
# French billing addresses: (street, postal code, city).
STREETS = [
    ("12 rue des Martyrs", "75009", "Paris"),
    ("48 boulevard des Batignolles", "75017", "Paris"),
    ("7 rue Oberkampf", "75011", "Paris"),
    ("23 rue Lepic", "75018", "Paris"),
    ("91 rue du Faubourg Saint-Denis", "75010", "Paris"),
    ("15 rue de Ménilmontant", "75020", "Paris"),
    ("4 place Bellecour", "69002", "Lyon"),
    ("30 La Canebière", "13001", "Marseille"),
    ("18 cours de l'Intendance", "33000", "Bordeaux"),
    ("2 rue d'Alsace-Lorraine", "31000", "Toulouse"),
    ("11 quai de la Fosse", "44000", "Nantes"),
    ("9 rue Esquermoise", "59000", "Lille"),
    ("5 place Kléber", "67000", "Strasbourg"),
    ("26 rue de Saint-Malo", "35000", "Rennes"),
    ("60 route de la Reine", "92100", "Boulogne-Billancourt"),
    ("14 rue de Paris", "93100", "Montreuil"),
    ("3 rue du Midi", "94300", "Vincennes"),
    ("8 promenade des Anglais", "06000", "Nice"),
    ("21 rue de la Loge", "34000", "Montpellier"),
    ("6 rue des Forges", "21000", "Dijon"),
]
NOTES = [
    "Allergique aux fruits à coque : toujours le préciser au laboratoire.",
    "Préfère être appelée sur son portable, jamais avant 9 h.",
    "Commande une galette des rois chaque année pour le 6 janvier.",
    "Client fidèle depuis l'ouverture de la boutique des Martyrs.",
    "Sans gluten : proposer le pain de sarrasin.",
    "A signalé un retard de livraison en mars ; geste commercial fait.",
    "Vient le samedi matin avec son chien, prévoir un biscuit.",
    "Anniversaire de sa fille en juin : gâteau sur commande chaque année.",
]
# Companies: (company, contact first name, last name, email, VAT ID, company ID,
# chamber of commerce number, billing address as form values, note).
COMPANIES: list[tuple[str, str, str, str, str, str, str, dict[str, str], str]] = [
    (
        "Atelier Dubœuf & Fils",
        "Jérémie",
        "Noël",
        "compta@atelier-duboeuf.example.fr",
        "FR40303265045",
        "303265045",
        "RCS Paris 303 265 045",
        {"line1": "17 rue Saint-Maur", "postal_code": "75011", "city": "Paris"},
        "Plateau de viennoiseries pour 30 personnes chaque vendredi à 8 h 30.",
    ),
    (
        "Café des Épices",
        "Lucie",
        "Bérard",
        "bonjour@cafe-epices.example.fr",
        "FR96552100554",
        "552100554",
        "RCS Lyon 552 100 554",
        {"line1": "22 rue Mercière", "postal_code": "69002", "city": "Lyon"},
        "Revend nos pains au levain ; facture mensuelle.",
    ),
    (
        "Éditions Sénéchal",
        "Valérie",
        "Carré",
        "accueil@editions-senechal.example.fr",
        "FR15442306809",
        "442306809",
        "RCS Paris 442 306 809",
        {"line1": "3 rue de l'Odéon", "postal_code": "75006", "city": "Paris"},
        "Cocktails de lancement de livres : devis à la demande.",
    ),
    (
        "Crèche Les Petits Loups",
        "Rémi",
        "Paté",
        "direction@petitsloups.example.fr",
        "FR89380129866",
        "380129866",
        "",
        {"line1": "40 rue Championnet", "postal_code": "75018", "city": "Paris"},
        "",
    ),
    (
        "Hôtel Bellevue Montmartre",
        "Sébastien",
        "Lacroix",
        "reception@hotel-bellevue.example.fr",
        "FR59542051180",
        "542051180",
        "RCS Paris 542 051 180",
        {"line1": "5 rue Ravignan", "postal_code": "75018", "city": "Paris"},
        "Livraison des petits-déjeuners à 6 h 45, entrée de service rue Garreau.",
    ),
    (
        "Agence Pléiade",
        "Manon",
        "Lefèbvre",
        "achats@pleiade.example.fr",
        "FR31791987126",
        "791987126",
        "RCS Nanterre 791 987 126",
        {
            "line1": "12 avenue Édouard Vaillant",
            "postal_code": "92100",
            "city": "Boulogne-Billancourt",
        },
        "",
    ),
    (
        "Bakkerij De Vries",
        "Jan",
        "de Vries",
        "inkoop@bakkerij-devries.example.nl",
        "NL004123451B01",
        "",
        "KvK 12345678",
        {
            "country": "NL",
            "line1": "Prinsengracht",
            "house_number": "263",
            "postal_code": "1016 GV",
            "city": "Amsterdam",
        },
        "Achète notre farine de sarrasin ; factures en anglais.",
    ),
    (
        "Maison Peeters",
        "Luc",
        "Peeters",
        "luc@maison-peeters.example.be",
        "BE0403170107",
        "0403.170.107",
        "",
        {"country": "BE", "line1": "Rue Royale 45", "postal_code": "1000", "city": "Bruxelles"},
        "",
    ),
    (
        "Müller Feinkost GmbH",
        "Sophie",
        "Müller",
        "einkauf@mueller-feinkost.example.de",
        "DE136458867",
        "",
        "HRB 123456 B",
        {"country": "DE", "line1": "Friedrichstraße 43", "postal_code": "10117", "city": "Berlin"},
        "Commande de Noël : 40 bûches, livraison par transporteur.",
    ),
    (
        "Librairie Thérèse & Cie",
        "Amandine",
        "Vérité",
        "librairie.therese@example.fr",
        "FR34401032313",
        "401032313",
        "RCS Rennes 401 032 313",
        {"line1": "8 rue de la Monnaie", "postal_code": "35000", "city": "Rennes"},
        "",
    ),
    (
        "Traiteur Gérard",
        "Odile",
        "Gérard",
        "odile@traiteur-gerard.example.fr",
        "FR02332333863",
        "332333863",
        "RCS Bordeaux 332 333 863",
        {"line1": "14 rue Sainte-Catherine", "postal_code": "33000", "city": "Bordeaux"},
        "Partenaire pour les mariages ; tarif professionnel.",
    ),
    (
        "Studio Kerhervé",
        "Maïwenn",
        "Le Bihan",
        "studio@kerherve.example.fr",
        "",
        "",
        "",
        {"line1": "2 quai de la Fosse", "postal_code": "44000", "city": "Nantes"},
        "Auto-entrepreneuse : pas de numéro de TVA.",
    ),
]


def email_for(first_name: str, last_name: str) -> str:
    def part(name: str) -> str:
        return fold(name.replace("œ", "oe").replace("Œ", "Oe")).replace(" ", "-")

    return f"{part(first_name)}.{part(last_name)}@example.fr"


def _person(index: int, first_name: str, last_name: str, gender: str) -> Spec:
    street, postal_code, city = STREETS[index % len(STREETS)]
    fields: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email_for(first_name, last_name),
        "kind": "personal",
        "gender": gender,
        "language": "en" if index % 9 == 4 else "fr",
        "mobile": f"07 {50 + index % 40:02d} {index * 7 % 100:02d} {index * 13 % 100:02d} 45",
        "shipping_same_as_billing": True,
    }
    if index % 4 == 1:
        fields["phone"] = f"01 42 {index:02d} 10 {index * 3 % 100:02d}"
    if index % 3 == 0:
        fields["accepts_marketing"] = True
    if index % 2 == 0:
        fields["birth_date"] = date(1950 + index * 7 % 50, 1 + index % 12, 1 + index * 3 % 28)
    if index % 5 == 0:
        fields["notes"] = NOTES[index // 5 % len(NOTES)]
    if index % 11 == 3:
        fields["initials"] = "M."
    billing = {"country": "FR", "line1": street, "postal_code": postal_code, "city": city}
    shipping = None
    if index % 8 == 2:
        # A different delivery address: work, or a relative's.
        other, other_code, other_city = STREETS[(index + 7) % len(STREETS)]
        fields["shipping_same_as_billing"] = False
        shipping = {
            "country": "FR",
            "attention": f"{first_name} {last_name}",
            "line1": other,
            "line2": "Bâtiment B, 3e étage",
            "postal_code": other_code,
            "city": other_city,
        }
    if fields["email"] == PENDING["email"]:
        fields["pending_approval"] = True
        fields["notes"] = (
            "A demandé un compte professionnel : vérifier son SIRET avant d'approuver."
        )
    return {"fields": fields, "billing": billing, "shipping": shipping}


def _company(spec: tuple[str, str, str, str, str, str, str, dict[str, str], str]) -> Spec:
    company, first_name, last_name, email, vat_id, company_id, coc, address, note = spec
    index = len(company)
    fields: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "kind": "business",
        "company_name": company,
        "company_id_number": company_id,
        "chamber_of_commerce_number": coc,
        "vat_id": vat_id,
        "language": "fr" if address.get("country", "FR") in {"FR", "BE"} else "en",
        "accepts_marketing": index % 2 == 0,
        "notes": note,
        "shipping_same_as_billing": True,
    }
    if address.get("country", "FR") == "FR":
        fields["phone"] = f"01 44 {index:02d} 20 {index * 5 % 100:02d}"
    billing = {"country": "FR", **address, "attention": "Service comptabilité"}
    shipping = None
    if company.startswith(("Hôtel", "Crèche")):
        fields["shipping_same_as_billing"] = False
        shipping = {
            "country": "FR",
            "attention": "Cuisine",
            "line1": billing["line1"],
            "line2": "Livraisons : porte de service",
            "postal_code": billing["postal_code"],
            "city": billing["city"],
        }
    return {"fields": fields, "billing": billing, "shipping": shipping}


def customer_specs() -> list[Spec]:
    """The demo records, as the owner would fill in the record form."""
    people = [_person(i, first, last, gender) for i, (first, last, gender) in enumerate(PEOPLE)]
    return people + [_company(spec) for spec in COMPANIES]


def _form_data(spec: Spec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field, value in spec["fields"].items():
        if value is True:
            data[field] = "on"
        elif value is False or value is None:
            continue
        else:
            data[field] = value.isoformat() if isinstance(value, date) else value
    for role in ("billing", "shipping"):
        for field, value in (spec[role] or {}).items():
            data[f"{role}-{field}"] = value
    return data


def _create(owner: TeamMember, spec: Spec, *, region: str) -> Customer:
    """Validate ``spec`` as the record page does, then create the record."""
    data = _form_data(spec)
    billing_country = spec["billing"]["country"] if spec["billing"] else ""
    record = CustomerRecordForm(data, region=region, billing_country=billing_country)
    billing = RecordAddressForm(data, prefix="billing", default_country=region)
    shipping = RecordAddressForm(data, prefix="shipping", default_country=region)
    forms_ok = [record.is_valid(), billing.is_valid()]
    if spec["shipping"]:
        forms_ok.append(shipping.is_valid())
    if not all(forms_ok):
        errors = {
            **record.errors,
            **billing.errors,
            **(shipping.errors if spec["shipping"] else {}),
        }
        raise ValueError(f"Demo customer {spec['fields']['email']} is invalid: {errors}")
    return create_customer(
        actor=owner,
        fields=record.cleaned_data,
        billing=billing.values(),
        shipping=shipping.values() if spec["shipping"] else None,
    )


def seed_customers(*, owner: TeamMember, created: dict[str, int], report: Report) -> None:
    """Create the demo records that are missing, and the pending customer's account."""
    region = get_shop().country or "FR"
    for spec in customer_specs():
        if customer_by_email(spec["fields"]["email"]) is None:
            _create(owner, spec, region=region)
            created["customers"] = created.get("customers", 0) + 1
    _pending_account(report)


def _pending_account(report: Report) -> None:
    """Counted with its record (not in "shopper accounts", which is Camille's)."""
    if User.objects.filter(email__iexact=PENDING["email"]).exists():
        return
    if not accounts_enabled():
        report("Customer accounts are turned off: the pending customer's account was not created.")
        return
    user = create_account(
        email=PENDING["email"],
        password=content.DEMO_PASSWORD,
        language="fr",
        first_name=PENDING["first_name"],
        last_name=PENDING["last_name"],
    )
    customer = customer_of(user)
    assert customer is not None and customer.pending_approval, "the pending record lost its flag"
