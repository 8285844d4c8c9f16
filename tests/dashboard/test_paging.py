"""The Orders page pages through the newest orders without counting a million rows: past
the cap it says it shows the newest ones and that filters reach the others."""

from __future__ import annotations

import pytest

from comptoir.dashboard import paging
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


def test_past_the_cap_the_orders_page_shows_the_newest_and_says_so(staff_client, monkeypatch):
    monkeypatch.setattr(paging, "DEFAULT_CAP", 3)
    location = LocationFactory()
    product = stocked(location, stock=None)
    orders = [checkout(location, [(product, 1)], fulfilment=PICKUP) for _ in range(5)]
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")

    response = client.get("/dashboard/orders/")

    shown = [row["order"].number for row in response.context["rows"]]
    assert shown == [order.number for order in reversed(orders)][:3]
    assert "The newest 3 orders: filter by date to see older ones." in response.content.decode()


def test_a_short_list_is_counted_exactly(staff_client):
    location = LocationFactory()
    product = stocked(location, stock=None)
    for _ in range(2):
        checkout(location, [(product, 1)], fulfilment=PICKUP)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")

    response = client.get("/dashboard/orders/")

    assert len(response.context["rows"]) == 2
    assert response.context["page"].paginator.is_exact
