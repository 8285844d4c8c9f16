"""The number of SQL statements of each step of a guest checkout, held so the gains
measured by the bench (docs/bench/analysis.md) do not silently come back; and what the
faster pickup-time list must still do."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.orders.models import Order
from comptoir.shop.models import OpeningHours
from tests.checkout.checkout_helpers import checkout_form, fill_cart, shop_location, stocked
from tests.factories import ShopperFactory

pytestmark = pytest.mark.django_db

# Counts on SQLite in a test transaction (every atomic() block is a SAVEPOINT pair
# here); see docs/bench/analysis.md for the PostgreSQL run. A guest's session is a
# signed cookie (decision 0033): no session row read or written, one statement less a
# request (two on the placing, which wrote the order number into it).
ADD_TO_CART_QUERIES = 11
CHECKOUT_PAGE_QUERIES = 5  # 8 before the cart's availability was joined, not prefetched
# Was 44 before one UPDATE per counted product; +2: the new customer's spending row,
# inserted with it and counting the order (order_stats); -1: the cart summary's join.
# -1: the three tasks of a placed order (receipt, alert, reminder) are one INSERT in its
# transaction (counted here; after the commit and uncounted before) and the cart is
# emptied without a savepoint (SQLite; one statement on PostgreSQL).
PLACING_QUERIES_TWO_PRODUCTS = 31


@pytest.fixture
def location(english_shop):
    return shop_location()


@pytest.fixture
def products(location):
    return [
        stocked(location, price=130, stock=10, name_en="Croissant", name_fr="Croissant"),
        stocked(location, price=250, stock=10, name_en="Tartine", name_fr="Tartine"),
    ]


def statements(request) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        request()
    return [query["sql"] for query in queries.captured_queries]


def test_adding_a_second_product_to_the_cart_stays_within_its_statements(
    client, location, products
):
    fill_cart(client, location, (products[0], 1))
    url = reverse("storefront:cart_add")

    sql = statements(lambda: client.post(url, {"product": products[1].slug, "quantity": 1}))

    assert len(sql) <= ADD_TO_CART_QUERIES, "\n".join(sql)
    # The redirect back to the product page reuses the product already read.
    assert sum('FROM "catalog_product"' in s for s in sql) == 1, "\n".join(sql)


def test_the_checkout_page_reads_the_opening_hours_once(client, location, products):
    fill_cart(client, location, (products[0], 1))

    sql = statements(lambda: client.get(reverse("storefront:checkout")))

    assert len(sql) <= CHECKOUT_PAGE_QUERIES, "\n".join(sql)
    assert sum('FROM "shop_openinghours"' in s for s in sql) == 1, "\n".join(sql)


def test_placing_a_guest_order_stays_within_its_statements(client, location, products):
    fill_cart(client, location, (products[0], 1), (products[1], 2))
    form = checkout_form(client)

    sql = statements(lambda: client.post(reverse("storefront:checkout"), form))

    assert Order.objects.count() == 1
    assert len(sql) <= PLACING_QUERIES_TWO_PRODUCTS, "\n".join(sql)
    # A first checkout in this browser has no earlier order to redirect a double submit
    # to: the idempotency key is looked up by the placing sequence only, not by the view.
    order_reads = [s for s in sql if s.startswith("SELECT") and 'FROM "orders_order"' in s]
    assert len(order_reads) == 2, "\n".join(order_reads)


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_refused_checkout_shows_the_chosen_pickup_time_still_selected(client, location, products):
    OpeningHours.objects.create(
        location=location, weekday=1, opens_at=datetime.time(8), closes_at=datetime.time(12)
    )  # Tuesday 1 December 2026
    fill_cart(client, location, (products[0], 1))
    page = client.get(reverse("storefront:checkout"))
    chosen = page.context["slots"][3].isoformat()
    form = checkout_form(client, pickup_at=chosen, email="not an email")

    answer = client.post(reverse("storefront:checkout"), form)

    assert answer.status_code == 400
    content = answer.content.decode()
    assert f'<option value="{chosen}" selected>' in content
    assert content.count(" selected>") == 1


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_pickup_times_are_shown_in_the_locations_time_not_the_servers(client, location, products):
    location.time_zone = "Europe/Paris"  # the server's zone is UTC
    location.save(update_fields=["time_zone"])
    OpeningHours.objects.create(
        location=location, weekday=1, opens_at=datetime.time(8), closes_at=datetime.time(12)
    )
    fill_cart(client, location, (products[0], 1))

    page = client.get(reverse("storefront:checkout"))

    first = page.context["slots"][0]
    assert f'<option value="{first.isoformat()}">Tuesday 1 December, 10:15</option>' in (
        page.content.decode()
    )


def test_storefront_pages_other_than_checkout_do_not_read_opening_hours(client, location, products):
    fill_cart(client, location, (products[0], 1))

    sql = statements(lambda: client.get(reverse("storefront:product", args=[products[1].slug])))

    assert not any('FROM "shop_openinghours"' in s for s in sql), "\n".join(sql)


def test_a_signed_in_shoppers_checkout_page_reads_their_customer_record_once(
    client, location, products
):
    shopper = ShopperFactory()
    client.force_login(shopper.user)
    fill_cart(client, location, (products[0], 1))

    sql = statements(lambda: client.get(reverse("storefront:checkout")))

    assert sum('FROM "customers_customer"' in s for s in sql) == 1, "\n".join(sql)


def test_browsing_the_default_location_creates_no_session_until_the_cart(
    client, location, products
):
    other = shop_location(name="Abbesses", slug="abbesses", position=location.position + 1)
    stocked(other, name_en="Brioche")

    page = client.get(reverse("storefront:product", args=[products[0].slug]))

    assert page.status_code == 200
    assert "sessionid" not in client.cookies
    fill_cart(client, location, (products[0], 1))
    assert client.session["storefront_location"] == location.slug
    # A location chosen explicitly is kept too.
    client.get(reverse("storefront:cart"), {"location": other.slug})
    assert client.session["storefront_location"] == other.slug
