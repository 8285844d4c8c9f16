"""The demo shop's day of work (issue 5): kitchen stations with their category routes at
both locations, open orders of every source and fulfilment the location offers (some
late, some on time, some accepted or ready), a demo partner with a known secret whose
orders arrive as its webhook's events, and gift cards with a ledger.

Everything goes through the real services: ``create_station`` and
``set_category_routes``; the checkout's charge then ``place_order`` (with the built-in
test gateway); ``parse_event`` and ``receive_event``, what the partner webhook runs
once the signature is checked; ``accept_order`` with ``send_order_to_stations`` (as the
dashboard's Accept does) and ``mark_order_ready``; ``create_partner`` and ``map_item``;
the gift-card services, each activity with its idempotency key.

Two writes skip a service, as in ``demo.shoppers``, and exist only in the demo: the
times of the open orders are moved so the late-risk flag has something to show when the
demo starts (placed some minutes ago, promised at a time that is or is not still
reachable), and the partner's secret is set to a known value printed with the logins
(a real partner's secret is random, shown once).

Tables with QR codes are not seeded: there is no tables model yet (table orders are
fulfilments of type "table" with a table label, and are seeded as such).

Running it again creates nothing: stations are found by name, orders by idempotency
key, partner orders by the partner's order id, gift-card activities by their key."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from comptoir.catalog.models import Category, Product
from comptoir.demo import content
from comptoir.errors import DomainError
from comptoir.giftcards import services as giftcards
from comptoir.giftcards.models import ActivityKind, AdjustmentReason, GiftCard, GiftCardActivity
from comptoir.orders.fulfilment import accept_order, mark_order_ready
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderSource,
    Payment,
)
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.services import Contact, FulfilmentChoice, amount_due, place_order
from comptoir.partners import services as partner_services
from comptoir.partners.events import ORDER_CREATED, parse_event
from comptoir.partners.models import Partner, PartnerItem, PartnerOrder
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.shop.delivery import delivery_fee
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.stations import services as station_services
from comptoir.stations.models import CategoryRoute, Station
from comptoir.tables.demo import seed_demo_tables
from comptoir.team.models import TeamMember

Report = Callable[[str], None]

# --- stations -----------------------------------------------------------------------------

# (name, printer address, fallback): the development printer writes tickets to the log,
# so the addresses only need to look like a shop's network.
STATIONS = [
    ("Cuisine", "192.168.1.50", False),
    ("Bar", "192.168.1.51", False),
    ("Comptoir", "192.168.1.52", True),
]
# Category slug -> station name. Breads route nowhere: they go to the fallback station.
ROUTES = {
    "viennoiseries": "Cuisine",
    "patisseries": "Cuisine",
    "sale": "Cuisine",
    "boissons-chaudes": "Bar",
    "boissons-fraiches": "Bar",
}

# --- the demo partner ---------------------------------------------------------------------

PARTNER = {"name": "Livreo", "slug": "livreo", "location": "martyrs"}
# Known so that the demo's webhook can be tried with curl (docs/partners.md); printed
# with the demo logins. A real partner's secret is random and shown once.
PARTNER_SECRET = "whsec_demo_livreo_0123456789abcdef"
# The partner's item ids -> our products.
PARTNER_ITEMS = {
    "LV-CROISSANT": "croissant",
    "LV-PAC": "pain-au-chocolat",
    "LV-CROQUE": "croque-monsieur",
    "LV-CAFE": "cafe-creme",
    "LV-JUS": "jus-orange",
}


@dataclass(frozen=True)
class PartnerOrderSpec:
    external_id: str
    items: tuple[tuple[str, str, int], ...]  # (partner item id, name, quantity)
    customer: tuple[str, str, str]  # first name, last name, phone
    minutes_ago: int
    promise_in: int  # the pickup time the partner sends, minutes from now
    accepted: bool
    late: bool  # what the late-risk flag should say when the seed has just run


PARTNER_ORDERS = [
    PartnerOrderSpec(
        "LV-20481",
        (("LV-CROISSANT", "Croissant", 4), ("LV-CAFE", "Café crème", 2)),
        ("Yasmine", "Haddad", "+33612000101"),
        minutes_ago=2,
        promise_in=30,
        accepted=False,
        late=False,
    ),
    PartnerOrderSpec(
        "LV-20477",
        (
            ("LV-CROQUE", "Croque-monsieur", 2),
            ("LV-JUS", "Jus d'orange", 2),
            # Not mapped: kept on the order as free text and flagged, never dropped.
            ("LV-COOKIE", "Cookie géant", 1),
        ),
        ("Thomas", "Nguyen", "+33612000102"),
        minutes_ago=8,
        promise_in=5,
        accepted=True,
        late=True,
    ),
]

# --- open site and table orders -----------------------------------------------------------


@dataclass(frozen=True)
class OpenOrderSpec:
    """An order placed ``minutes_ago`` minutes ago and promised ``promise_in`` minutes
    from now (pickup and delivery; a table is promised at placement + preparation, a
    shipment at no set time), its fulfilment now at ``state``, accepted
    ``accepted_after`` minutes after it was placed. ``late`` is what the late-risk
    flag says once seeded (None: no flag)."""

    key: str
    location: str
    kind: str  # pickup, curbside, delivery, shipping, table
    lines: tuple[tuple[str, int], ...]
    state: FulfilmentState
    minutes_ago: int
    late: bool | None
    promise_in: int = 0
    accepted_after: int = 0
    customer: tuple[str, str, str] = ("", "", "")  # email, first name, last name
    table: str = ""


S = FulfilmentState
OPEN_ORDERS = [
    # Martyrs: 15 minutes of preparation; pickup, curbside, delivery and tables.
    OpenOrderSpec(
        "m-pickup-late",
        "martyrs",
        "pickup",
        (("croissant", 6), ("cafe-creme", 2)),
        S.PROPOSED,
        minutes_ago=12,
        promise_in=5,
        late=True,
        customer=("margot.perrin@example.com", "Margot", "Perrin"),
    ),
    OpenOrderSpec(
        "m-pickup-on-time",
        "martyrs",
        "pickup",
        (("baguette-tradition", 2), ("tarte-citron", 1)),
        S.PROPOSED,
        minutes_ago=2,
        promise_in=35,
        late=False,
        customer=("paul.roche@example.com", "Paul", "Roche"),
    ),
    OpenOrderSpec(
        "m-curbside-ready",
        "martyrs",
        "curbside",
        (("quiche-lorraine", 2), ("limonade", 2)),
        S.PREPARED,
        minutes_ago=25,
        accepted_after=2,
        promise_in=0,
        late=None,
        customer=("ines.barre@example.com", "Inès", "Barré"),
    ),
    OpenOrderSpec(
        "m-delivery-late",
        "martyrs",
        "delivery",
        (("jambon-beurre", 3), ("chocolat-chaud", 3)),
        S.RESERVED,
        minutes_ago=30,
        accepted_after=10,
        promise_in=-10,
        late=True,
        customer=("arthur.blin@example.com", "Arthur", "Blin"),
    ),
    OpenOrderSpec(
        "m-delivery-on-time",
        "martyrs",
        "delivery",
        (("pain-au-chocolat", 4), ("jus-orange", 2)),
        S.PROPOSED,
        minutes_ago=3,
        promise_in=45,
        late=False,
        customer=("chloe.marin@example.com", "Chloé", "Marin"),
    ),
    OpenOrderSpec(
        "m-table-on-time",
        "martyrs",
        "table",
        (("croque-monsieur", 1), ("salade-chevre", 1), ("espresso", 2)),
        S.RESERVED,
        minutes_ago=4,
        accepted_after=0,
        late=False,
        table="Table 4",
    ),
    OpenOrderSpec(
        "m-table-late",
        "martyrs",
        "table",
        (("croissant", 2), ("cafe-creme", 2)),
        S.PROPOSED,
        minutes_ago=9,
        late=True,
        table="Table 7",
    ),
    # Batignolles: 20 minutes of preparation; pickup and shipping.
    OpenOrderSpec(
        "b-pickup-late",
        "batignolles",
        "pickup",
        (("fraisier", 1), ("eclair-cafe", 4)),
        S.PROPOSED,
        minutes_ago=15,
        promise_in=10,
        late=True,
        customer=("jules.fabre@example.com", "Jules", "Fabre"),
    ),
    OpenOrderSpec(
        "b-pickup-accepted",
        "batignolles",
        "pickup",
        (("paris-brest", 2), ("the-earl-grey", 1)),
        S.RESERVED,
        minutes_ago=6,
        accepted_after=1,
        promise_in=25,
        late=False,
        customer=("lucie.morel@example.com", "Lucie", "Morel"),
    ),
    OpenOrderSpec(
        "b-pickup-ready",
        "batignolles",
        "pickup",
        (("pain-de-campagne", 1), ("chausson-aux-pommes", 2)),
        S.PREPARED,
        minutes_ago=28,
        accepted_after=3,
        promise_in=-2,
        late=None,
        customer=("victor.leclerc@example.com", "Victor", "Leclerc"),
    ),
    OpenOrderSpec(
        "b-shipping-new",
        "batignolles",
        "shipping",
        (("brioche-tressee", 1), ("pain-complet", 1)),
        S.PROPOSED,
        minutes_ago=40,
        late=None,
        customer=("nora.benali@example.com", "Nora", "Benali"),
    ),
    OpenOrderSpec(
        "b-shipping-packed",
        "batignolles",
        "shipping",
        (("fougasse-olives", 2),),
        S.RESERVED,
        minutes_ago=90,
        accepted_after=20,
        late=None,
        customer=("remi.caron@example.com", "Rémi", "Caron"),
    ),
]
SHIPPING_ADDRESS = ("14 rue Nationale", "59000", "Lille")
DELIVERY_ADDRESS = ("23 rue Lepic", "75018", "Paris")  # in Martyrs' first zone
TABLE_GUEST = ("", "Client", "Table")

# --- gift cards ---------------------------------------------------------------------------

PHYSICAL_CARD_CODE = "CAMILLE2026CARTE01"
EGIFT_KEY = "demo-giftcard-egift-activate"


def seed_operations(*, owner: TeamMember, created: dict[str, int], report: Report) -> None:
    """Create what is missing of the stations, open orders, partner and gift cards."""
    for what in ("stations", "partners", "gift cards", "gift card activities"):
        created.setdefault(what, 0)
    locations = {location.slug: location for location in Location.objects.all()}
    products = {product.slug: product for product in Product.objects.all()}
    for location in locations.values():
        _stations(owner, location, created)
        if location.offers(FulfilmentType.TABLE):
            seed_demo_tables(location)
    partner = _partner(owner, locations, products, created)
    gateway = TestGateway()
    for spec in OPEN_ORDERS:
        if spec.location in locations:
            _open_order(owner, spec, locations[spec.location], products, gateway, created, report)
    if partner is not None:
        for partner_spec in PARTNER_ORDERS:
            _partner_order(owner, partner, partner_spec, created)
        report(
            f"Demo partner {partner.name}: POST /partners/{partner.slug}/webhook/, "
            f"secret {PARTNER_SECRET} (see docs/partners.md)"
        )
    _gift_cards(owner, created)


# --- stations and routes ------------------------------------------------------------------


def _stations(owner: TeamMember, location: Location, created: dict[str, int]) -> None:
    by_name = {station.name: station for station in Station.objects.filter(location=location)}
    for name, host, is_fallback in STATIONS:
        if name not in by_name:
            by_name[name] = station_services.create_station(
                actor=owner,
                location=location,
                name=name,
                printer_host=host,
                is_fallback=is_fallback,
            )
            created["stations"] += 1
    routed = set(
        CategoryRoute.objects.filter(location=location).values_list("category__slug", flat=True)
    )
    categories = dict(Category.objects.filter(slug__in=list(ROUTES)).values_list("slug", "pk"))
    missing = {
        categories[slug]: by_name[station].pk
        for slug, station in ROUTES.items()
        if slug in categories and slug not in routed
    }
    if missing:
        station_services.set_category_routes(actor=owner, location=location, routes=missing)


# --- site and table orders ----------------------------------------------------------------


def _open_order(
    owner: TeamMember,
    spec: OpenOrderSpec,
    location: Location,
    products: dict[str, Product],
    gateway: TestGateway,
    created: dict[str, int],
    report: Report,
) -> None:
    key = f"demo-ops-{spec.key}"
    if order_placed_with(key) is not None:
        return
    lines = [(products[slug], quantity) for slug, quantity in spec.lines if slug in products]
    if len(lines) != len(spec.lines):
        report(f"Demo order {spec.key} skipped: some of its products are gone.")
        return
    email, first_name, last_name = spec.customer
    if spec.kind == "table":
        email = f"table-{spec.key}@example.com"
        first_name, last_name = TABLE_GUEST[1], spec.table
    choice = _fulfilment(spec, location)
    shop = get_shop()
    # What the checkout does (checkout.placing): charge outside any transaction, place,
    # refund if the order is refused. A table order is placed with its own source.
    number, month, cvc = content.SHOPPER_CARD
    payment = gateway.charge(
        amount=amount_due(lines, choice),
        currency=shop.currency,
        card_token=tokenize_test_card(number, month, timezone.now().year + 3, cvc),
        idempotency_key=f"{key}:charge",
    )
    try:
        order = place_order(
            idempotency_key=key,
            location=location,
            lines=lines,
            contact=Contact(email=email, first_name=first_name, last_name=last_name),
            fulfilment=choice,
            payment=payment,
            language="fr",
            source=OrderSource.TABLE if spec.kind == "table" else OrderSource.SITE,
        )
    except DomainError as error:  # e.g. a product the owner took off sale meanwhile
        gateway.refund(
            reference=payment.reference, amount=payment.amount, idempotency_key=f"{key}:refund"
        )
        report(f"Demo order {spec.key} skipped: {error.message}")
        return
    _move_along(owner, order, spec.state)
    _set_times(order, spec, location)
    created["orders"] += 1


def _fulfilment(spec: OpenOrderSpec, location: Location) -> FulfilmentChoice:
    if spec.kind == "delivery":
        street, postal_code, city = DELIVERY_ADDRESS
        return FulfilmentChoice(
            type=FulfilmentType.DELIVERY,
            address_line1=street,
            postal_code=postal_code,
            city=city,
            courier_notes="Code 4521B, 3e étage gauche.",
            fee=delivery_fee(location, postal_code),
        )
    if spec.kind == "shipping":
        street, postal_code, city = SHIPPING_ADDRESS
        return FulfilmentChoice(
            type=FulfilmentType.SHIPMENT,
            address_line1=street,
            postal_code=postal_code,
            city=city,
            fee=location.shipping_rate or 0,
        )
    if spec.kind == "table":
        return FulfilmentChoice(type=FulfilmentType.TABLE, table_label=spec.table)
    if spec.kind == "curbside":
        return FulfilmentChoice(
            type=FulfilmentType.PICKUP, curbside=True, vehicle="Peugeot 208 grise"
        )
    return FulfilmentChoice(type=FulfilmentType.PICKUP)


def _move_along(owner: TeamMember, order: Order, state: FulfilmentState) -> None:
    """Accept (with the stations' tickets, as the dashboard's Accept does) and mark
    ready, through the staff services."""
    if state == S.PROPOSED:
        return
    with transaction.atomic():
        moved = accept_order(actor=owner, order_id=order.pk, expected_version=order.version)
        station_services.send_order_to_stations(order.pk, revision=1)
    if state == S.PREPARED:
        mark_order_ready(actor=owner, order_id=order.pk, expected_version=moved.order.version)


def _set_times(order: Order, spec: OpenOrderSpec, location: Location) -> None:
    """Demo history (see the module docstring): placed ``minutes_ago``, accepted
    ``accepted_after`` minutes later, ready a minute ago, promised ``promise_in``."""
    now = timezone.now()
    placed = now - timedelta(minutes=spec.minutes_ago)
    accepted = placed + timedelta(minutes=spec.accepted_after)
    changes: dict[str, object] = {"placed_at": placed}
    if spec.state != S.PROPOSED:
        changes["accepted_at"] = accepted
    if spec.state == S.PREPARED:
        changes["ready_at"] = now - timedelta(minutes=1)
    promised = now + timedelta(minutes=spec.promise_in)
    if spec.kind in ("pickup", "curbside"):
        changes["pickup_at"] = promised
    elif spec.kind == "delivery":
        changes["deliver_at"] = promised
    _rewrite(order, placed, changes)


def _rewrite(order: Order, placed: datetime, changes: dict[str, object]) -> None:
    with transaction.atomic():
        Fulfilment.objects.filter(order=order).update(**changes)
        Order.objects.filter(pk=order.pk).update(placed_at=placed)
        Payment.objects.filter(order=order).update(created_at=placed)
        moments = {
            OrderEventKind.ACCEPTED: changes.get("accepted_at"),
            OrderEventKind.READY: changes.get("ready_at"),
        }
        for kind, at in moments.items():
            if at is not None:
                OrderEvent.objects.filter(order=order, kind=kind).update(at=at)


# --- the demo partner ---------------------------------------------------------------------


def _partner(
    owner: TeamMember,
    locations: dict[str, Location],
    products: dict[str, Product],
    created: dict[str, int],
) -> Partner | None:
    partner = Partner.objects.filter(slug=PARTNER["slug"]).first()
    if partner is None:
        location = locations.get(PARTNER["location"])
        if location is None:
            return None
        partner = partner_services.create_partner(
            actor=owner,
            name=PARTNER["name"],
            slug=PARTNER["slug"],
            location=location,
            supports_delay=True,
        ).partner
        # Demo only (see the module docstring): a secret one can type from the README.
        Partner.objects.filter(pk=partner.pk).update(secret=PARTNER_SECRET)
        partner.secret = PARTNER_SECRET
        created["partners"] += 1
    mapped = set(PartnerItem.objects.filter(partner=partner).values_list("external_id", flat=True))
    for external_id, slug in PARTNER_ITEMS.items():
        if external_id not in mapped and slug in products:
            partner_services.map_item(
                actor=owner, partner=partner, external_id=external_id, product=products[slug]
            )
    return partner


def partner_event_body(spec: PartnerOrderSpec, *, now: datetime | None = None) -> bytes:
    """The JSON the partner posts for ``spec`` (docs/partners.md)."""
    now = now or timezone.now()
    first_name, last_name, phone = spec.customer
    return json.dumps(
        {
            "event_id": f"evt_demo_{spec.external_id}",
            "type": ORDER_CREATED,
            "order": {
                "id": spec.external_id,
                "currency": get_shop().currency,
                "customer": {"first_name": first_name, "last_name": last_name, "phone": phone},
                "items": [
                    {"id": item_id, "name": name, "quantity": quantity}
                    for item_id, name, quantity in spec.items
                ],
                "pickup_at": (now + timedelta(minutes=spec.promise_in)).isoformat(),
            },
        }
    ).encode()


def _partner_order(
    owner: TeamMember, partner: Partner, spec: PartnerOrderSpec, created: dict[str, int]
) -> None:
    if PartnerOrder.objects.filter(partner=partner, external_id=spec.external_id).exists():
        return
    # What the webhook runs once the signature is checked (partners.webhook).
    partner_services.receive_event(partner=partner, event=parse_event(partner_event_body(spec)))
    partner_order = PartnerOrder.objects.select_related("order").get(
        partner=partner, external_id=spec.external_id
    )
    if spec.accepted:
        with transaction.atomic():
            partner_services.accept_partner_order(actor=owner, partner_order_id=partner_order.pk)
            station_services.send_order_to_stations(partner_order.order_id, revision=1)
    placed = timezone.now() - timedelta(minutes=spec.minutes_ago)
    _rewrite(partner_order.order, placed, {"placed_at": placed})
    created["orders"] += 1


# --- gift cards ---------------------------------------------------------------------------


def _gift_cards(owner: TeamMember, created: dict[str, int]) -> None:
    """A physical card activated at the counter, reloaded, partly spent and corrected;
    an e-gift card bought for a friend, partly spent."""

    def once(key: str, write: Callable[[str], GiftCardActivity]) -> GiftCardActivity | None:
        if GiftCardActivity.objects.filter(idempotency_key=key).exists():
            return None
        activity = write(key)
        created["gift card activities"] += 1
        return activity

    if not GiftCard.objects.filter(code=PHYSICAL_CARD_CODE).exists():
        created["gift cards"] += 1
    once(
        "demo-giftcard-physical-activate",
        lambda key: giftcards.activate_physical(
            actor=owner, code=PHYSICAL_CARD_CODE, amount=50_00, idempotency_key=key
        ),
    )
    physical = GiftCard.objects.get(code=PHYSICAL_CARD_CODE)
    steps: list[tuple[str, Callable[[str], GiftCardActivity]]] = [
        (
            "demo-giftcard-physical-load",
            lambda key: giftcards.load(
                card=physical, amount=20_00, idempotency_key=key, actor=owner
            ),
        ),
        (
            "demo-giftcard-physical-redeem",
            lambda key: giftcards.redeem(
                card=physical, amount=12_40, idempotency_key=key, actor=owner
            ),
        ),
        (
            "demo-giftcard-physical-adjust",
            lambda key: giftcards.adjust(
                actor=owner,
                card=physical,
                kind=ActivityKind.ADJUST_UP,
                amount=5_00,
                reason=AdjustmentReason.COMPLIMENTARY,
                idempotency_key=key,
            ),
        ),
    ]
    for key, step in steps:
        once(key, step)

    egift = GiftCardActivity.objects.filter(idempotency_key=EGIFT_KEY).first()
    if egift is None:
        egift = giftcards.issue_digital(
            amount=40_00,
            idempotency_key=EGIFT_KEY,
            recipient_name="Élise Vasseur",
            recipient_email="elise.vasseur@example.com",
            sender_name="Camille",
            message="Joyeux anniversaire ! Un goûter chez Camille, avec toute mon affection.",
            language="fr",
            actor=owner,
        )
        created["gift cards"] += 1
        created["gift card activities"] += 1
    card = egift.card
    once(
        "demo-giftcard-egift-redeem",
        lambda key: giftcards.redeem(card=card, amount=8_50, idempotency_key=key, actor=owner),
    )
