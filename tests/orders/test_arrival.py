"""The shopper's "I'm here" for a curbside pickup, from the guest status link and from
the signed-in account's order page: recorded once, refused for other orders, and shown
to the staff of the location."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.orders.fulfilment import accept_order, complete_order, mark_order_ready
from comptoir.orders.models import Fulfilment, Order, OrderEvent
from comptoir.orders.services import FulfilmentChoice
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory, ShopperFactory, TeamMemberFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

CURBSIDE = FulfilmentChoice(type="pickup", curbside=True, vehicle="Blue Clio AB-123-CD")


@pytest.fixture
def location(db):
    return LocationFactory(fulfilment_types=["pickup", "curbside"], time_zone="Europe/Paris")


def _order(location, fulfilment=CURBSIDE, **kwargs) -> Order:
    return checkout(location, [(stocked(location, stock=None), 1)], fulfilment=fulfilment, **kwargs)


def _status(order) -> str:
    return reverse("storefront:order_status", args=[order.number, order.status_token])


def _arrive(order) -> str:
    return reverse("storefront:order_arrived", args=[order.number, order.status_token])


def _arrived_events(order) -> int:
    return OrderEvent.objects.filter(order=order, kind="arrived").count()


def test_the_status_page_offers_im_here_with_the_vehicle(english_shop, location):
    order = _order(location)

    html = Client().get(_status(order)).content.decode()

    assert "I'm here (Blue Clio AB-123-CD)" in html
    assert _arrive(order) in html


def test_im_here_from_the_status_link_is_recorded_once(english_shop, location):
    order = _order(location)
    client = Client()

    first = client.post(_arrive(order))
    fulfilment = Fulfilment.objects.get(order=order)
    stamped = fulfilment.arrived_at
    client.post(_arrive(order))

    assert first.status_code == 302 and first["Location"] == _status(order)
    assert stamped is not None
    assert Fulfilment.objects.get(order=order).arrived_at == stamped
    assert _arrived_events(order) == 1
    page = client.get(_status(order)).content.decode()
    assert "We know you are here" in page
    assert "I'm here" not in page


def test_a_wrong_token_cannot_arrive(location):
    order = _order(location)

    response = Client().post(
        reverse("storefront:order_arrived", args=[order.number, "x" * len(order.status_token)])
    )

    assert response.status_code == 404
    assert Fulfilment.objects.get(order=order).arrived_at is None


def test_im_here_is_refused_for_an_order_that_is_not_curbside(english_shop, location):
    order = _order(location, fulfilment=PICKUP)
    client = Client()

    assert "I'm here" not in client.get(_status(order)).content.decode()
    response = client.post(_arrive(order), follow=True)

    assert "only for a curbside pickup" in response.content.decode()
    assert Fulfilment.objects.get(order=order).arrived_at is None
    assert _arrived_events(order) == 0


def test_im_here_is_refused_once_the_order_is_completed(english_shop, location):
    order = _order(location)
    staff = TeamMemberFactory(access=Access.FULL)
    accept_order(actor=staff, order_id=order.pk, expected_version=1)
    mark_order_ready(actor=staff, order_id=order.pk, expected_version=2)
    complete_order(actor=staff, order_id=order.pk, expected_version=3)
    client = Client()

    assert "I'm here" not in client.get(_status(order)).content.decode()
    client.post(_arrive(order))

    assert Fulfilment.objects.get(order=order).arrived_at is None
    assert _arrived_events(order) == 0


def test_im_here_from_the_account_order_page(english_shop, location, shopper_client):
    shopper = ShopperFactory()
    order = _order(location, email=shopper.email, account_user=shopper.user)
    client = shopper_client(shopper)
    page = reverse("storefront:account_order", args=[order.number])
    arrive = reverse("storefront:account_order_arrived", args=[order.number])

    assert arrive in client.get(page).content.decode()
    response = client.post(arrive)
    client.post(arrive)

    assert response.status_code == 302 and response["Location"] == page
    assert Fulfilment.objects.get(order=order).arrived_at is not None
    assert _arrived_events(order) == 1


def test_another_shopper_cannot_arrive_for_an_order(location, shopper_client):
    owner, other = ShopperFactory(), ShopperFactory()
    order = _order(location, email=owner.email, account_user=owner.user)

    response = shopper_client(other).post(
        reverse("storefront:account_order_arrived", args=[order.number])
    )

    assert response.status_code == 404
    assert Fulfilment.objects.get(order=order).arrived_at is None


def test_staff_of_the_location_see_the_arrival(location, staff_client):
    order = _order(location)
    Client().post(_arrive(order))
    arrived_at = Fulfilment.objects.get(order=order).arrived_at
    client = staff_client(Permission.VIEW_ORDERS, locations=[location], user__language="en")

    listing = client.get(reverse("dashboard:order_list")).content.decode()
    detail = client.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()

    hhmm = arrived_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M")
    assert f"Customer arrived at {hhmm}" in listing
    assert f'data-arrived="{hhmm}"' in listing  # what the live page's script alerts on
    assert f"Customer arrived at {hhmm}" in detail
    assert "Customer arrived" in detail.split("Timeline")[1]
