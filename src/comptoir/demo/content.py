"""What the demo shop sells and who works there: a Paris café-bakery with two shops."""

from datetime import time
from typing import Any, NamedTuple, NotRequired, TypedDict

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
    "donations_enabled": True,
    "donation_amounts": [300, 500, 1000, 2000],
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

# --- delivery ---------------------------------------------------------------------------

# Local delivery zones (shop.delivery): postal codes and the fee in cents. Martyrs delivers
# around the 9th arrondissement; Batignolles ships anywhere at a flat rate.
DELIVERY_ZONES: dict[str, list[dict[str, Any]]] = {
    "martyrs": [
        {"postal_codes": ["75009", "75010", "75018"], "fee": 350},
        {"postal_codes": ["75002", "75008", "75017"], "fee": 590},
    ],
}
SHIPPING_RATES = {"batignolles": 690}

# --- shoppers ---------------------------------------------------------------------------


class ShopperSpec(TypedDict):
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str


class AddressSpec(TypedDict):
    label: str
    address_line1: str
    postal_code: str
    city: str
    courier_notes: NotRequired[str]


class OrderSpec(NamedTuple):
    """One demo order. ``days_ago`` and ``at`` (Paris time) say when it was placed; None
    for an order placed a few minutes ago (``minutes_ago``). ``state`` is where its
    fulfilment is now. ``address`` indexes the shopper's addresses for a delivery."""

    key: str
    location: str
    fulfilment: str  # "pickup", "curbside" or "delivery"
    lines: list[tuple[str, int]]
    state: str  # a fulfilment state: proposed, reserved, prepared, completed, cancelled
    days_ago: int | None = None
    at: time = time(8, 0)
    minutes_ago: int = 5
    address: int = 0


# The shopper with an account (password DEMO_PASSWORD), shown in the README's logins.
SHOPPER: ShopperSpec = {
    "email": "camille@example.com",
    "first_name": "Camille",
    "last_name": "Laurent",
    "phone": "+33 6 12 34 56 78",
    "language": "fr",
}
SHOPPER_ADDRESSES: list[AddressSpec] = [  # the first one is the primary address
    {
        "label": "Maison",
        "address_line1": "8 rue Rodier",
        "postal_code": "75009",
        "city": "Paris",
        "courier_notes": "Digicode 4521B, 3e étage.",
    },
    {
        "label": "Bureau",
        "address_line1": "27 rue du Faubourg-Poissonnière",
        "postal_code": "75010",
        "city": "Paris",
    },
]
SHOPPER_VEHICLE = "Renault Zoé bleue"
# Why the demo's cancelled order was cancelled (staff text, kept in the shop's language).
CANCEL_REASON = "Four en panne ce jour-là : commande annulée et remboursée."
# The card kept at the test gateway (an approving test card; any future expiry).
SHOPPER_CARD = ("4242 4242 4242 4242", 12, "123")  # number, expiry month, security code

# A dozen orders placed signed in: most picked up or delivered, three under way.
SHOPPER_ORDERS: list[OrderSpec] = [
    OrderSpec(
        "c01",
        "martyrs",
        "pickup",
        [("croissant", 4), ("baguette-tradition", 2)],
        "completed",
        118,
        time(8, 10),
    ),
    OrderSpec(
        "c02",
        "martyrs",
        "delivery",
        [("pain-au-chocolat", 6), ("jus-orange", 2)],
        "completed",
        104,
        time(9, 30),
    ),
    OrderSpec("c03", "batignolles", "pickup", [("fraisier", 1)], "completed", 90, time(16, 0)),
    OrderSpec(
        "c04",
        "martyrs",
        "pickup",
        [("cafe-creme", 1), ("croissant", 1)],
        "completed",
        75,
        time(7, 45),
    ),
    OrderSpec(
        "c05",
        "martyrs",
        "delivery",
        [("jambon-beurre", 2), ("eau-petillante", 2), ("eclair-cafe", 2)],
        "completed",
        61,
        time(12, 15),
        address=1,
    ),
    OrderSpec(
        "c06",
        "martyrs",
        "pickup",
        [("pain-de-campagne", 1), ("tarte-citron", 1)],
        "cancelled",
        46,
        time(18, 0),
    ),
    OrderSpec(
        "c07",
        "batignolles",
        "pickup",
        [("pain-aux-raisins", 3), ("chocolat-chaud", 1)],
        "completed",
        32,
        time(8, 30),
    ),
    OrderSpec(
        "c08",
        "martyrs",
        "delivery",
        [("quiche-lorraine", 2), ("salade-chevre", 1), ("limonade", 2)],
        "completed",
        19,
        time(11, 45),
        address=1,
    ),
    OrderSpec(
        "c09",
        "martyrs",
        "curbside",
        [("baguette-tradition", 3), ("chausson-aux-pommes", 2)],
        "completed",
        8,
        time(17, 50),
    ),
    OrderSpec("c10", "batignolles", "pickup", [("paris-brest", 2)], "prepared", minutes_ago=50),
    OrderSpec(
        "c11",
        "martyrs",
        "delivery",
        [("croque-monsieur", 2), ("jus-orange", 2)],
        "reserved",
        minutes_ago=25,
    ),
    OrderSpec(
        "c12",
        "martyrs",
        "pickup",
        [("croissant", 6), ("pain-au-chocolat", 6)],
        "proposed",
        minutes_ago=4,
    ),
]

# A donation Camille made while signed in (the shop offers donations): it shows in her
# account like an order. (key, location, amount in cents, note, days ago, Paris time)
SHOPPER_DONATION = ("d01", "martyrs", 1000, "Pour le goûter de l'école Rodier.", 40, time(10, 5))

# Guest orders by other shoppers (no account): (shopper, delivery address or None, order).
GUEST_ORDERS: list[tuple[ShopperSpec, AddressSpec | None, OrderSpec]] = [
    (
        {
            "email": "lea.martin@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "phone": "",
            "language": "fr",
        },
        None,
        OrderSpec(
            "g01",
            "martyrs",
            "pickup",
            [("baguette-tradition", 2), ("flan-patissier", 1)],
            "completed",
            12,
            time(18, 20),
        ),
    ),
    (
        {
            "email": "tom.baker@example.com",
            "first_name": "Tom",
            "last_name": "Baker",
            "phone": "+44 7911 123456",
            "language": "en",
        },
        None,
        OrderSpec(
            "g02",
            "batignolles",
            "pickup",
            [("cafe-creme", 2), ("pain-aux-raisins", 2)],
            "completed",
            3,
            time(9, 5),
        ),
    ),
    (
        {
            "email": "nadia.benali@example.com",
            "first_name": "Nadia",
            "last_name": "Benali",
            "phone": "+33 7 98 76 54 32",
            "language": "fr",
        },
        {"label": "", "address_line1": "3 rue Lamartine", "postal_code": "75009", "city": "Paris"},
        OrderSpec(
            "g03",
            "martyrs",
            "delivery",
            [("quiche-lorraine", 1), ("limonade", 1)],
            "proposed",
            minutes_ago=12,
        ),
    ),
    (
        {
            "email": "lea.martin@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "phone": "",
            "language": "fr",
        },
        None,
        OrderSpec("g04", "martyrs", "pickup", [("eclair-cafe", 2)], "reserved", minutes_ago=35),
    ),
]
