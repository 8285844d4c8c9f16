"""The shopper's order status page of a table order says which table it goes to."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.orders.links import status_path
from comptoir.orders.models import Order
from tests.orders.factories import PICKUP, checkout
from tests.stations.factories import cafe
from tests.tables.helpers import add_at_table, make_table, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


def test_the_status_page_of_a_table_order_shows_its_table(client):
    place = cafe()
    table = make_table(place.location, "Terrasse 7")
    add_at_table(client, table, (place.croissant, 1))
    assert pay(client, table).status_code == 302
    order = Order.objects.get()

    page = Client().get(status_path(order))

    assert page.status_code == 200
    assert '<p class="table-label">Table Terrasse 7.</p>' in page.content.decode()


def test_a_pickup_order_shows_no_table(client):
    place = cafe()
    order = checkout(place.location, [(place.croissant, 1)], fulfilment=PICKUP)

    page = Client().get(status_path(order)).content.decode()

    assert "Pickup at" in page and "table-label" not in page
