"""The demo's day of work (issue 5): stations and routes at both locations, open orders
of every source and fulfilment, late and on time, a partner whose webhook answers with
the printed secret, gift cards with a ledger; a second run creates nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.demo import operations
from comptoir.demo.seed import seed_demo
from comptoir.giftcards.models import ActivityKind, GiftCard, GiftCardActivity, GiftCardKind
from comptoir.orders.late_risk import late_risk
from comptoir.orders.models import Fulfilment, FulfilmentState, FulfilmentType, Order, OrderSource
from comptoir.partners.models import Partner, PartnerItem, PartnerOrder
from comptoir.partners.signing import headers_for
from comptoir.shop.models import Location
from comptoir.stations.models import CategoryRoute, Station, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> list[str]:
    lines: list[str] = []
    seed_demo(report=lines.append, progress=False)
    return lines


def everything() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Station,
            CategoryRoute,
            Ticket,
            Order,
            Fulfilment,
            Partner,
            PartnerItem,
            PartnerOrder,
            GiftCard,
            GiftCardActivity,
        )
    }


def test_both_locations_have_kitchen_bar_and_a_fallback_with_category_routes(seeded):
    for location in Location.objects.all():
        stations = {s.name: s for s in Station.objects.filter(location=location)}
        assert set(stations) == {"Cuisine", "Bar", "Comptoir"}
        assert [s.name for s in stations.values() if s.is_fallback] == ["Comptoir"]
        routes = dict(
            CategoryRoute.objects.filter(location=location).values_list(
                "category__slug", "station__name"
            )
        )
        assert routes == operations.ROUTES


def test_open_orders_of_every_source_and_fulfilment_some_late_some_on_time(seeded):
    keys = [f"demo-ops-{spec.key}" for spec in operations.OPEN_ORDERS]
    orders = Order.objects.filter(idempotency_key__in=keys).select_related("fulfilment", "location")
    assert orders.count() == len(operations.OPEN_ORDERS)
    partner_orders = Order.objects.filter(source=OrderSource.PARTNER).select_related(
        "fulfilment", "location"
    )
    assert partner_orders.count() == len(operations.PARTNER_ORDERS)
    open_orders = [*orders, *partner_orders]
    assert {order.source for order in open_orders} >= {
        OrderSource.SITE,
        OrderSource.TABLE,
        OrderSource.PARTNER,
    }
    kinds = {(o.fulfilment.type, o.fulfilment.curbside) for o in open_orders}
    assert kinds >= {
        (FulfilmentType.PICKUP, False),
        (FulfilmentType.PICKUP, True),
        (FulfilmentType.DELIVERY, False),
        (FulfilmentType.SHIPMENT, False),
        (FulfilmentType.TABLE, False),
    }
    assert {o.location.slug for o in open_orders} == {"martyrs", "batignolles"}
    states = {o.fulfilment.state for o in open_orders}
    assert states == {FulfilmentState.PROPOSED, FulfilmentState.RESERVED, FulfilmentState.PREPARED}

    now = timezone.now()
    expected = {f"demo-ops-{spec.key}": spec.late for spec in operations.OPEN_ORDERS}
    for order in orders:
        assert late_risk(order.fulfilment, now).is_late is expected[order.idempotency_key], (
            order.idempotency_key
        )
    by_external = {spec.external_id: spec.late for spec in operations.PARTNER_ORDERS}
    for order in partner_orders:
        flag = late_risk(order.fulfilment, now).is_late
        assert flag is by_external[order.partner_order.external_id]
    flags = [late_risk(o.fulfilment, now).is_late for o in open_orders]
    for location in ("martyrs", "batignolles"):
        here = [
            late_risk(o.fulfilment, now).is_late for o in open_orders if o.location.slug == location
        ]
        assert True in here and False in here, location
    assert None in flags  # ready orders and shipments carry no flag


def test_accepted_orders_went_to_their_stations(seeded):
    accepted = Order.objects.filter(
        fulfilment__state__in=[FulfilmentState.RESERVED, FulfilmentState.PREPARED],
        idempotency_key__startswith="demo-ops-",
    )
    table = accepted.get(idempotency_key="demo-ops-m-table-on-time")
    stations = set(Ticket.objects.filter(order=table).values_list("station__name", flat=True))
    assert stations == {"Cuisine", "Bar"}  # croque and salad to the kitchen, espressos to the bar
    assert all(Ticket.objects.filter(order=order).exists() for order in accepted)


def test_partner_orders_arrived_with_the_unknown_item_flagged_and_one_accepted(seeded):
    partner = Partner.objects.get(slug=operations.PARTNER["slug"])
    assert partner.secret == operations.PARTNER_SECRET
    assert any(operations.PARTNER_SECRET in line for line in seeded)
    flagged = PartnerOrder.objects.get(external_id="LV-20477")
    assert [item["id"] for item in flagged.unknown_items] == ["LV-COOKIE"]
    assert flagged.decision == "accepted"
    assert PartnerOrder.objects.get(external_id="LV-20481").decision == ""


def test_the_printed_secret_signs_a_webhook_the_demo_accepts(seeded):
    path = f"/partners/{operations.PARTNER['slug']}/webhook/"
    body = json.dumps(
        {
            "event_id": "evt_try_1",
            "type": "order.created",
            "order": {"id": "LV-TRY-1", "items": [{"id": "LV-PAC", "quantity": 2}]},
        }
    ).encode()
    headers = headers_for(operations.PARTNER_SECRET, f"http://testserver{path}", body)

    response = Client().post(
        path,
        body,
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied"


def test_gift_cards_physical_and_egift_with_their_ledgers(seeded):
    physical = GiftCard.objects.get(code=operations.PHYSICAL_CARD_CODE)
    assert physical.kind == GiftCardKind.PHYSICAL
    kinds = list(physical.activities.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == [
        ActivityKind.ACTIVATE,
        ActivityKind.LOAD,
        ActivityKind.REDEEM,
        ActivityKind.ADJUST_UP,
    ]
    assert physical.balance == 50_00 + 20_00 - 12_40 + 5_00
    egift = GiftCard.objects.get(
        kind=GiftCardKind.DIGITAL, recipient_email="elise.vasseur@example.com"
    )
    assert egift.balance == 40_00 - 8_50
    assert egift.activities.count() == 2


def test_seeding_again_creates_nothing_new(seeded):
    before = everything()

    created = seed_demo(report=lambda line: None, progress=False)

    assert everything() == before
    assert set(created.values()) == {0}
