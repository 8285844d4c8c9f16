"""Deep pages of a long order history: the same queries as the first page, and the
right orders on each page (newest first, across pages)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.accounts.selectors import account_history_page
from comptoir.orders.models import Order
from tests.orders.factories import PICKUP, checkout


def place(shopper, location, product):
    return checkout(
        location, [(product, 1)], email=shopper.email, fulfilment=PICKUP, account_user=shopper.user
    )


def numbers_on(response):
    return [row.number for row in response.context["orders"]]


def test_a_deep_history_page_makes_the_same_queries_as_the_first(
    make_shopper, shopper_client, location, product, django_assert_num_queries
):
    shopper = make_shopper()
    for _ in range(45):
        place(shopper, location, product)
    client = shopper_client(shopper)
    url = reverse("storefront:account_orders")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url, {"page": 3})
    assert response.status_code == 200
    assert len(numbers_on(response)) == 5


def test_history_pages_follow_each_other_newest_first_without_gaps(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    for _ in range(23):
        place(shopper, location, product)
    client = shopper_client(shopper)
    url = reverse("storefront:account_orders")

    shown = numbers_on(client.get(url)) + numbers_on(client.get(url, {"page": 2}))

    expected = list(
        Order.objects.filter(account=shopper.user)
        .order_by("-placed_at", "-id")
        .values_list("number", flat=True)
    )
    assert shown == expected
    assert len(shown) == 23


def test_history_page_never_shows_another_accounts_orders(
    make_shopper, shopper_client, location, product
):
    shopper, other = make_shopper(), make_shopper()
    mine = place(shopper, location, product)
    place(other, location, product)

    response = shopper_client(shopper).get(reverse("storefront:account_orders"))

    assert numbers_on(response) == [mine.number]


def test_the_history_page_reads_the_customer_record_once(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    place(shopper, location, product)
    client = shopper_client(shopper)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("storefront:account_orders"))

    assert response.status_code == 200
    assert "My account" in response.content.decode() or "Mon compte" in response.content.decode()
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "customers_customer"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_history_page_holds_only_the_accounts_own_orders_and_counts_them(
    make_shopper, location, product
):
    shopper, other = make_shopper(), make_shopper()
    mine = [place(shopper, location, product) for _ in range(3)]
    place(other, location, product)
    checkout(location, [(product, 1)], email=shopper.email, fulfilment=PICKUP)  # as a guest

    rows, count = account_history_page(shopper, 1, 20)

    assert [row.number for row in rows] == [mine[1].number, mine[0].number]
    assert count == 3
    assert account_history_page(shopper, 3, 20) == ([], 3)


def test_the_same_page_of_two_histories_reads_each_its_own_orders(
    make_shopper, shopper_client, location, product
):
    # The page's statement is compiled once per offset: the shopper is its parameter.
    alice, bob = make_shopper(), make_shopper()
    alices = [place(alice, location, product) for _ in range(22)]
    bobs = [place(bob, location, product) for _ in range(21)]
    url = reverse("storefront:account_orders")

    alice_page = numbers_on(shopper_client(alice).get(url, {"page": 2}))
    bob_page = numbers_on(shopper_client(bob).get(url, {"page": 2}))

    assert alice_page == [alices[1].number, alices[0].number]
    assert bob_page == [bobs[0].number]


def test_a_page_number_past_any_history_shows_the_last_page(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    orders = [place(shopper, location, product) for _ in range(21)]
    url = reverse("storefront:account_orders")

    response = shopper_client(shopper).get(url, {"page": "9" * 30})

    assert response.status_code == 200
    assert numbers_on(response) == [orders[0].number]


def test_the_order_rows_escape_the_number_in_the_link_and_the_text(
    make_shopper, shopper_client, location, product
):
    # The rows are written in Python, not by the template: each value is escaped there.
    shopper = make_shopper()
    order = place(shopper, location, product)
    Order.objects.filter(pk=order.pk).update(number="<i>&\"'1")
    client = shopper_client(shopper)

    for page in ("storefront:account_orders", "storefront:account_home"):
        content = client.get(reverse(page)).content.decode()
        assert "<i>" not in content, page
        assert "Order &lt;i&gt;&amp;&quot;&#x27;1</a>" in content, page
        assert 'href="/account/orders/%3Ci%3E%26%22%271/"' in content, page
