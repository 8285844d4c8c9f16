"""The guest order status page, reached by its signed link."""

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.orders.links import status_path
from comptoir.orders.models import FulfilmentState, Order
from tests.checkout.checkout_helpers import checkout_form, fill_cart, shop_location, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, english_shop):
    location = shop_location()
    fill_cart(client, location, (stocked(location, name_en="Baguette", name_fr="Baguette"), 2))
    client.post(reverse("storefront:checkout"), checkout_form(client))
    return Order.objects.get()


def test_the_status_link_shows_the_order_to_a_guest_without_sign_in(order):
    page = Client().get(status_path(order))

    assert page.status_code == 200
    text = page.content.decode()
    assert order.number in text and "Baguette" in text and "Received" in text


def test_the_status_page_shows_the_shopper_label_of_the_fulfilment_state(order):
    order.fulfilment.state = FulfilmentState.PREPARED
    order.fulfilment.save(update_fields=["state"])

    page = Client().get(status_path(order)).content.decode()

    assert "Ready for pickup" in page


def test_a_wrong_token_is_the_same_404_as_an_unknown_number(order):
    wrong = Client().get(reverse("storefront:order_status", args=[order.number, "not-the-token"]))
    unknown = Client().get(
        reverse("storefront:order_status", args=["C-999999", order.status_token])
    )

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
