"""Delivery zones, the flat shipping rate and pickup times at checkout."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from comptoir.orders.models import Order
from comptoir.payments.models import TestCharge
from comptoir.shop.models import OpeningHours
from tests.checkout.checkout_helpers import checkout_form, fill_cart, shop_location, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def location(english_shop):
    return shop_location(preparation_minutes=30)


@pytest.fixture
def cart_client(client, location):
    fill_cart(client, location, (stocked(location, price=1000, stock=5), 1))
    return client


ADDRESS = {"address_line1": "3 rue Milton", "postal_code": "75009", "city": "Paris"}


def test_delivery_in_a_zone_adds_its_fee_computed_by_the_server(cart_client):
    form = checkout_form(cart_client, fulfilment="delivery", fee="1", **ADDRESS)

    cart_client.post(reverse("storefront:checkout"), form)

    order = Order.objects.get()
    assert (order.fees, order.total) == (350, 1350)
    assert order.fulfilment.postal_code == "75009"
    assert TestCharge.objects.get().amount == 1350


def test_a_postal_code_outside_every_zone_is_refused_at_the_field(cart_client):
    form = checkout_form(cart_client, fulfilment="delivery", **{**ADDRESS, "postal_code": "69001"})

    answer = cart_client.post(reverse("storefront:checkout"), form)

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Martyrs does not deliver to 69001." in page
    assert 'value="69001"' in page and 'value="3 rue Milton"' in page
    assert not TestCharge.objects.exists()


def test_shipping_adds_the_flat_rate(cart_client):
    cart_client.post(
        reverse("storefront:checkout"),
        checkout_form(cart_client, fulfilment="shipping", **{**ADDRESS, "postal_code": "13001"}),
    )

    order = Order.objects.get()
    assert (order.fees, order.fulfilment.type) == (690, "shipment")


def test_delivery_without_an_address_says_what_is_missing(cart_client):
    answer = cart_client.post(
        reverse("storefront:checkout"), checkout_form(cart_client, fulfilment="delivery")
    )

    page = answer.content.decode()
    assert "Give the street address." in page and "Give the postal code." in page


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_pickup_earlier_than_the_preparation_time_says_the_earliest_time(cart_client):
    too_early = datetime.datetime(2026, 12, 1, 9, 15, tzinfo=datetime.UTC)  # 10:15 Paris

    answer = cart_client.post(
        reverse("storefront:checkout"),
        checkout_form(cart_client, pickup_at=too_early.isoformat()),
    )

    assert answer.status_code == 400
    assert "The earliest pickup time is 10:30." in answer.content.decode()
    assert not TestCharge.objects.exists()


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_pickup_slots_are_every_15_minutes_in_opening_hours_after_the_preparation_time(
    client, location
):
    OpeningHours.objects.create(
        location=location, weekday=1, opens_at=datetime.time(8), closes_at=datetime.time(12)
    )  # Tuesday 1 December 2026
    fill_cart(client, location, (stocked(location), 1))

    slots = client.get(reverse("storefront:checkout")).context["slots"]

    times = [slot.strftime("%H:%M") for slot in slots if slot.day == 1]
    assert times[:3] == ["10:30", "10:45", "11:00"] and times[-1] == "12:00"


def test_curbside_pickup_needs_the_vehicle(cart_client):
    answer = cart_client.post(
        reverse("storefront:checkout"), checkout_form(cart_client, fulfilment="curbside")
    )
    assert "Describe your vehicle" in answer.content.decode()

    cart_client.post(
        reverse("storefront:checkout"),
        checkout_form(cart_client, fulfilment="curbside", vehicle="Red Clio"),
    )
    fulfilment = Order.objects.get().fulfilment
    assert fulfilment.curbside and fulfilment.vehicle == "Red Clio"


def test_the_owner_sets_delivery_zones_and_shipping_rate_in_the_location_form(
    owner, signed_in, location
):
    client = signed_in(owner)
    url = reverse("dashboard:location_edit", args=[location.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "fulfilment_types"}
    data.update(
        fulfilment_types=["pickup", "delivery"],
        delivery_zones="75009 75010: 3,50\n75018: 5",
        shipping_rate="6,90",
    )
    for day in range(7):
        data.update({f"hours-{day}-weekday": day})
    data.update({"hours-TOTAL_FORMS": 7, "hours-INITIAL_FORMS": 7})

    answer = client.post(url, data)

    assert answer.status_code == 302, answer.context["form"].errors
    location.refresh_from_db()
    assert location.delivery_zones == [
        {"postal_codes": ["75009", "75010"], "fee": 350},
        {"postal_codes": ["75018"], "fee": 500},
    ]
    assert location.shipping_rate == 690


def test_a_wrong_zone_line_is_refused_in_the_location_form(owner, signed_in, location):
    owner.user.language = "en"  # the dashboard speaks the staff member's language
    owner.user.save(update_fields=["language"])
    client = signed_in(owner)
    url = reverse("dashboard:location_edit", args=[location.pk])
    data = {
        "name": "Martyrs",
        "slug": "martyrs",
        "country": "FR",
        "time_zone": "Europe/Paris",
        "preparation_minutes": 15,
        "delivery_zones": "75009 75010 3,50",
        "shipping_rate": "abc",
        "hours-TOTAL_FORMS": 7,
        "hours-INITIAL_FORMS": 7,
        **{f"hours-{day}-weekday": day for day in range(7)},
    }

    answer = client.post(url, data)

    errors = answer.context["form"].errors
    assert "Line 1" in errors["delivery_zones"][0]
    assert "shipping_rate" in errors
    assert "75009 75010 3,50" in answer.content.decode()
