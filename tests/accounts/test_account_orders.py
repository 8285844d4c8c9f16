"""The account's orders: current ones with their live status, the history (orders placed
signed in to this account only), paginated in a constant number of queries, and each
order's receipt."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderState
from tests.orders.factories import PICKUP, checkout


def place(customer, location, product, quantity=1, *, signed_in=True, **kwargs):
    return checkout(
        location,
        [(product, quantity)],
        email=customer.email,
        fulfilment=kwargs.pop("fulfilment", PICKUP),
        account_user=customer.user if signed_in else None,
        **kwargs,
    )


def set_fulfilment_state(order, state):
    Fulfilment.objects.filter(order=order).update(state=state)


def test_overview_lists_current_orders_with_their_shopper_facing_status(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    received = place(shopper, location, product)
    ready = place(shopper, location, product)
    set_fulfilment_state(ready, FulfilmentState.PREPARED)
    done = place(shopper, location, product)
    Order.objects.filter(pk=done.pk).update(state=OrderState.COMPLETED)

    page = shopper_client(shopper).get(reverse("storefront:account_home")).content.decode()

    assert received.number in page and "Received" in page
    assert ready.number in page and "Ready for pickup" in page
    assert done.number not in page  # not current any more


def test_history_shows_only_orders_placed_signed_in_to_this_account_newest_first(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    guest_before = place(shopper, location, product, signed_in=False)
    first = place(shopper, location, product)
    second = place(shopper, location, product)
    other = place(make_shopper(), location, product)

    page = shopper_client(shopper).get(reverse("storefront:account_orders")).content.decode()

    assert guest_before.number not in page
    assert other.number not in page
    assert page.index(second.number) < page.index(first.number)


def test_history_is_paginated_twenty_a_page(make_shopper, shopper_client, location, product):
    shopper = make_shopper()
    orders = [place(shopper, location, product) for _ in range(21)]
    client = shopper_client(shopper)

    first_page = client.get(reverse("storefront:account_orders")).content.decode()
    second_page = client.get(reverse("storefront:account_orders") + "?page=2").content.decode()

    assert orders[-1].number in first_page and orders[0].number not in first_page
    assert orders[0].number in second_page
    assert "Page 2 of 2" in second_page


# Session, login, customer record, the shop (middleware, accounts gate, gateway),
# one page of orders with their fulfilment and the count (one query), the header's account link.
MAX_HISTORY_QUERIES = 8


@pytest.mark.parametrize("count", [3, 30])
def test_history_uses_a_constant_number_of_queries(
    count, make_shopper, shopper_client, location, product, django_assert_max_num_queries
):
    shopper = make_shopper()
    for _ in range(count):
        place(shopper, location, product)
    client = shopper_client(shopper)
    with django_assert_max_num_queries(MAX_HISTORY_QUERIES):
        response = client.get(reverse("storefront:account_orders"))
    assert response.status_code == 200


def test_history_makes_the_same_queries_for_3_and_for_30_orders(
    make_shopper, shopper_client, location, product, django_assert_num_queries
):
    shopper = make_shopper()
    client = shopper_client(shopper)
    for _ in range(3):
        place(shopper, location, product)
    with CaptureQueriesContext(connection) as with_three:
        client.get(reverse("storefront:account_orders"))
    for _ in range(27):
        place(shopper, location, product)
    with django_assert_num_queries(len(with_three.captured_queries)):
        response = client.get(reverse("storefront:account_orders"))
    assert response.content.decode().count('class="account-order"') == 20


def test_receipt_shows_lines_totals_fulfilment_and_card(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    order = place(shopper, location, product, quantity=2)

    response = shopper_client(shopper).get(reverse("storefront:account_order", args=[order.number]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Croissant" in page
    assert "Visa card ending in 4242" in page
    assert "Pickup at" in page
    assert "Received" in page


def test_receipt_of_a_guest_order_with_the_same_email_is_not_found(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    guest = place(shopper, location, product, signed_in=False)

    response = shopper_client(shopper).get(reverse("storefront:account_order", args=[guest.number]))

    assert response.status_code == 404


def test_order_without_fulfilment_shows_like_an_order(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    donation = checkout(
        location,
        [(product, 1)],
        email=shopper.email,
        fulfilment=None,
        account_user=shopper.user,
    )
    client = shopper_client(shopper)

    history = client.get(reverse("storefront:account_orders")).content.decode()
    receipt = client.get(reverse("storefront:account_order", args=[donation.number]))

    assert donation.number in history
    assert receipt.status_code == 200
    assert "Completed" in receipt.content.decode()


def test_the_current_orders_section_refreshes_itself_with_the_new_status(
    make_shopper, shopper_client, location, product
):
    shopper = make_shopper()
    order = place(shopper, location, product)
    client = shopper_client(shopper)
    page = client.get(reverse("storefront:account_home")).content.decode()
    assert 'hx-trigger="every 30s"' in page
    set_fulfilment_state(order, FulfilmentState.RESERVED)

    section = client.get(reverse("storefront:account_home"), headers={"HX-Request": "true"})

    html = section.content.decode()
    assert html.lstrip().startswith('<section id="current-orders"')
    assert "Being prepared" in html
