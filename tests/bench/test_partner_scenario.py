"""The issue 5 bench scenarios: ``partner_webhook`` posts requests the real webhook
accepts (signed with the generated partner's secret, unique ids, mapped items), and
``orders_page`` asks for the first location's Orders page as the owner. Their speed is
measured by the bench itself, never here."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bench import bulk
from bench.flows import partner_event
from bench.generate import generate
from bench.generators.partners import PARTNER_SLUG
from bench.scenarios import SCENARIOS
from comptoir.orders.models import Order, OrderSource
from comptoir.partners.models import PartnerOrder
from comptoir.shop.models import Location

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet():
    bulk.SHOW_PROGRESS = False
    yield
    bulk.SHOW_PROGRESS = True


@pytest.fixture
def partner_data(db) -> None:
    generate("tiny", only=["partners"], report=lambda line: None)


def post(path: str, number: int):
    body, headers = partner_event(path, number, base="http://testserver")
    return Client().post(path, body, content_type="application/json", headers=headers)


def test_partner_webhook_requests_are_signed_and_each_places_a_new_order(partner_data):
    [path] = SCENARIOS["partner_webhook"].paths("default")
    assert path == f"/partners/{PARTNER_SLUG}/webhook/"

    answers = [post(path, number) for number in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert {answer.json()["status"] for answer in answers} == {"applied"}
    orders = Order.objects.filter(source=OrderSource.PARTNER)
    assert orders.count() == 3
    first = Location.objects.order_by("position", "id").first()
    assert set(orders.values_list("location_id", flat=True)) == {first.pk}
    # Every item is mapped: nothing arrives as unknown free text.
    assert not PartnerOrder.objects.exclude(unknown_items=[]).exists()
    assert all(order.lines.filter(product__isnull=False).count() == 2 for order in orders)


def test_a_tampered_partner_request_is_refused(partner_data):
    [path] = SCENARIOS["partner_webhook"].paths("default")
    body, headers = partner_event(path, 0, base="http://testserver")
    tampered = json.loads(body)
    tampered["order"]["items"][0]["quantity"] = 50

    answer = Client().post(
        path, json.dumps(tampered), content_type="application/json", headers=headers
    )

    assert answer.status_code == 401
    assert not Order.objects.filter(source=OrderSource.PARTNER).exists()


def test_partner_webhook_is_compared_to_the_bare_placing_floor():
    scenario = SCENARIOS["partner_webhook"]
    assert scenario.unit == "orders"
    assert scenario.compare_to == "place_order_bare" and "place_order_bare" in SCENARIOS
    assert scenario.target is not None
    assert (scenario.target.metric, scenario.target.at_least) == ("ratio", 0.6)


def test_orders_page_asks_for_the_first_location_as_the_owner(partner_data):
    scenario = SCENARIOS["orders_page"]
    first = Location.objects.order_by("position", "id").first()

    assert scenario.staff
    assert scenario.paths("default") == [f"/dashboard/orders/?location={first.pk}"]
    assert scenario.target is not None
    assert (scenario.target.metric, scenario.target.at_most) == ("p95_ms", 50)
