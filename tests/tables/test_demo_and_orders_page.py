"""The demo's tables, and table orders on the dashboard's Orders page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.orders.models import Order
from comptoir.tables.demo import DEMO_LABELS, seed_demo_tables
from comptoir.tables.models import Table
from comptoir.tables.qr import Entry, sheet_png
from comptoir.team.permissions import Permission
from tests.stations.factories import cafe
from tests.tables.helpers import add_at_table, make_table, pay

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_tables_once(db):
    place = cafe()

    first = seed_demo_tables(place.location)
    again = seed_demo_tables(place.location)

    assert [table.label for table in first] == list(DEMO_LABELS)
    assert first == again
    assert Table.objects.count() == len(DEMO_LABELS)
    assert len({table.token for table in first}) == len(DEMO_LABELS)
    entries = [Entry(table.label, f"https://demo.example.com/t/{table.token}/") for table in first]
    assert sheet_png(entries, place.location.name).startswith(b"\x89PNG")


@pytest.mark.usefixtures("english_shop")
def test_a_table_order_shows_on_the_orders_page_with_its_table(client, staff_client):
    place = cafe()
    table = make_table(place.location, "Terrasse 2")
    add_at_table(client, table, (place.croissant, 1))
    assert pay(client, table).status_code == 302
    order = Order.objects.get()
    staff = staff_client(Permission.VIEW_ORDERS, user__language="en")

    listing = staff.get(reverse("dashboard:order_list"), {"source": "table", "kind": "table"})
    detail = staff.get(reverse("dashboard:order_detail", args=[order.pk]))

    assert order.number in listing.content.decode()
    assert "Terrasse 2" in listing.content.decode()
    html = detail.content.decode()
    assert "Terrasse 2" in html and "Accepted" in html
