"""What the demo shop sells and who works there: a Paris café-bakery with two shops."""

from datetime import time
from typing import TypedDict

from comptoir.team.permissions import Permission


class LocationSpec(TypedDict):
    """Keyword arguments for shop.services.create_location (besides the actor)."""

    name: str
    slug: str
    address_line1: str
    postal_code: str
    city: str
    phone: str
    time_zone: str
    preparation_minutes: int
    fulfilment_types: list[str]
    opening_hours: list[tuple[int, time, time]]


class RoleSpec(TypedDict):
    name: str
    permissions: list[Permission]


ProductSpec = tuple[str, str, str, int, str, str, int | None]
CategorySpec = tuple[tuple[str, str, str], list[ProductSpec]]

DEMO_PASSWORD = "demo1234"

SHOP = {
    "name": "Boulangerie Camille",
    "published_language": "fr",
    "publishes_both_languages": True,
    "currency": "EUR",
    "time_zone": "Europe/Paris",
    "country": "FR",
    "contact_email": "bonjour@boulangerie-camille.example",
    "contact_phone": "+33 1 42 00 00 00",
    "contact_address": "12 rue des Martyrs, 75009 Paris",
    "policies": (
        "Commandes à retirer le jour choisi. Annulation gratuite jusqu'à 2 heures avant le retrait.\n"
        "Orders are collected on the chosen day. Free cancellation up to 2 hours before pickup."
    ),
    "primary_colour": "#8a4b2a",
    "background_colour": "#fbf6ef",
    "text_colour": "#2b2118",
    "font_family": "serif",
    "button_shape": "pill",
}

WEEKDAYS_7_19 = [(day, time(7, 0), time(19, 30)) for day in range(0, 6)] + [
    (6, time(7, 30), time(13, 0))
]

LOCATIONS: list[LocationSpec] = [
    {
        "name": "Martyrs",
        "slug": "martyrs",
        "address_line1": "12 rue des Martyrs",
        "postal_code": "75009",
        "city": "Paris",
        "phone": "+33 1 42 00 00 00",
        "time_zone": "Europe/Paris",
        "preparation_minutes": 15,
        "fulfilment_types": ["pickup", "curbside", "delivery", "table"],
        "opening_hours": WEEKDAYS_7_19,
    },
    {
        "name": "Batignolles",
        "slug": "batignolles",
        "address_line1": "48 rue des Batignolles",
        "postal_code": "75017",
        "city": "Paris",
        "phone": "+33 1 43 00 00 00",
        "time_zone": "Europe/Paris",
        "preparation_minutes": 20,
        "fulfilment_types": ["pickup", "shipping"],
        "opening_hours": [(day, time(7, 30), time(14, 0)) for day in range(1, 7)]
        + [(day, time(15, 30), time(19, 0)) for day in range(1, 6)],
    },
]

ROLES: list[RoleSpec] = [
    {
        "name": "Vendeur·se",
        "permissions": [
            Permission.VIEW_CUSTOMERS,
            Permission.MANAGE_ORDERS,
            Permission.MANAGE_GIFT_CARDS,
        ],
    },
    {"name": "Pâtissier·ère", "permissions": [Permission.VIEW_ORDERS, Permission.MANAGE_CATALOG]},
]

# (email, name, access, role name, location slugs or None for all)
STAFF = [
    ("owner@example.com", "Camille Durand", "owner", None, None),
    ("manager@example.com", "Julien Moreau", "full", None, None),
    ("vendeur@example.com", "Inès Lefèvre", "role", "Vendeur·se", ["martyrs"]),
    ("patissier@example.com", "Hugo Bernard", "role", "Pâtissier·ère", ["batignolles"]),
]

# category (slug, fr, en) -> products (slug, fr, en, price in cents, description fr, description en, stock or None)
CATALOG: list[CategorySpec] = [
    (
        ("viennoiseries", "Viennoiseries", "Pastries"),
        [
            (
                "croissant",
                "Croissant au beurre",
                "Butter croissant",
                130,
                "Pur beurre AOP Charentes-Poitou, feuilletage en trois jours.",
                "AOP butter, laminated over three days.",
                None,
            ),
            (
                "pain-au-chocolat",
                "Pain au chocolat",
                "Chocolate croissant",
                150,
                "Deux barres de chocolat noir 64 %.",
                "Two sticks of 64% dark chocolate.",
                None,
            ),
            (
                "pain-aux-raisins",
                "Pain aux raisins",
                "Raisin swirl",
                170,
                "Crème pâtissière vanille et raisins macérés au rhum.",
                "Vanilla custard and rum-soaked raisins.",
                None,
            ),
            (
                "chausson-aux-pommes",
                "Chausson aux pommes",
                "Apple turnover",
                190,
                "Compote de pommes du Limousin maison.",
                "Home-made Limousin apple compote.",
                None,
            ),
            (
                "brioche-tressee",
                "Brioche tressée",
                "Braided brioche",
                650,
                "À partager, 6 à 8 parts.",
                "For sharing, 6 to 8 slices.",
                12,
            ),
        ],
    ),
    (
        ("pains", "Pains", "Breads"),
        [
            (
                "baguette-tradition",
                "Baguette tradition",
                "Traditional baguette",
                130,
                "Farine Label Rouge, fermentation lente.",
                "Label Rouge flour, slow fermentation.",
                None,
            ),
            (
                "pain-de-campagne",
                "Pain de campagne",
                "Country loaf",
                420,
                "Levain naturel, seigle et blé, 800 g.",
                "Natural sourdough, rye and wheat, 800 g.",
                20,
            ),
            (
                "pain-complet",
                "Pain complet",
                "Wholemeal loaf",
                380,
                "Farine intégrale bio.",
                "Organic wholemeal flour.",
                15,
            ),
            (
                "fougasse-olives",
                "Fougasse aux olives",
                "Olive fougasse",
                350,
                "Olives de Nyons et herbes de Provence.",
                "Nyons olives and herbes de Provence.",
                10,
            ),
        ],
    ),
    (
        ("patisseries", "Pâtisseries", "Cakes & tarts"),
        [
            (
                "eclair-cafe",
                "Éclair au café",
                "Coffee éclair",
                420,
                "Crème pâtissière au café de spécialité.",
                "Speciality coffee custard.",
                18,
            ),
            (
                "tarte-citron",
                "Tarte au citron meringuée",
                "Lemon meringue tart",
                480,
                "Citrons de Menton, meringue italienne.",
                "Menton lemons, Italian meringue.",
                12,
            ),
            (
                "paris-brest",
                "Paris-Brest",
                "Paris-Brest",
                550,
                "Praliné noisette du Piémont.",
                "Piedmont hazelnut praline.",
                8,
            ),
            (
                "flan-patissier",
                "Flan pâtissier",
                "Custard flan",
                380,
                "Vanille de Madagascar.",
                "Madagascar vanilla.",
                16,
            ),
            (
                "fraisier",
                "Fraisier (6 parts)",
                "Strawberry cake (serves 6)",
                3200,
                "Fraises de saison, crème mousseline. Sur commande la veille.",
                "Seasonal strawberries, mousseline cream. Order a day ahead.",
                3,
            ),
        ],
    ),
    (
        ("boissons-chaudes", "Boissons chaudes", "Hot drinks"),
        [
            (
                "espresso",
                "Expresso",
                "Espresso",
                200,
                "Torréfaction artisanale parisienne.",
                "Roasted in Paris.",
                None,
            ),
            (
                "cafe-creme",
                "Café crème",
                "Café crème",
                380,
                "Expresso et lait entier mousseux.",
                "Espresso and foamed whole milk.",
                None,
            ),
            (
                "chocolat-chaud",
                "Chocolat chaud",
                "Hot chocolate",
                450,
                "Chocolat noir fondu, lait entier.",
                "Melted dark chocolate, whole milk.",
                None,
            ),
            (
                "the-earl-grey",
                "Thé Earl Grey",
                "Earl Grey tea",
                350,
                "Thé noir à la bergamote.",
                "Black tea with bergamot.",
                None,
            ),
        ],
    ),
    (
        ("boissons-fraiches", "Boissons fraîches", "Cold drinks"),
        [
            (
                "jus-orange",
                "Jus d'orange pressé",
                "Fresh orange juice",
                450,
                "Pressé minute.",
                "Squeezed to order.",
                None,
            ),
            (
                "limonade",
                "Limonade artisanale",
                "Craft lemonade",
                380,
                "Bouteille 33 cl.",
                "33 cl bottle.",
                40,
            ),
            (
                "eau-petillante",
                "Eau pétillante",
                "Sparkling water",
                250,
                "Bouteille 50 cl.",
                "50 cl bottle.",
                60,
            ),
        ],
    ),
    (
        ("sale", "Sandwichs & salé", "Sandwiches & savoury"),
        [
            (
                "jambon-beurre",
                "Jambon-beurre",
                "Ham and butter baguette",
                590,
                "Jambon de Paris, beurre demi-sel, baguette tradition.",
                "Paris ham, salted butter, traditional baguette.",
                25,
            ),
            (
                "quiche-lorraine",
                "Quiche lorraine",
                "Quiche lorraine",
                620,
                "Lardons fumés et comté.",
                "Smoked bacon and comté.",
                10,
            ),
            (
                "croque-monsieur",
                "Croque-monsieur",
                "Croque-monsieur",
                750,
                "Béchamel maison, jambon, emmental.",
                "Home-made béchamel, ham, emmental.",
                12,
            ),
            (
                "salade-chevre",
                "Salade chèvre chaud",
                "Warm goat's cheese salad",
                950,
                "Crottin de Chavignol, miel, noix.",
                "Chavignol goat's cheese, honey, walnuts.",
                8,
            ),
        ],
    ),
]

# Products sold only at one location (slug -> location slug); the rest are sold at both.
ONLY_AT = {"salade-chevre": "martyrs", "croque-monsieur": "martyrs", "fraisier": "batignolles"}
