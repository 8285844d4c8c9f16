"""What a background task reads: the shop row once per task however many steps ask for
it (as a web request does), and the receipt's order with its fulfilment in one read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.mail.models import EmailStatus, OutgoingEmail
from comptoir.shop.selectors import get_shop, shop_read_when_needed
from tests.checkout.checkout_helpers import checkout_form, fill_cart, shop_location, stocked

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_receipt_task_reads_the_shop_once_and_the_fulfilment_with_the_order(
    client, run_worker, mailoutbox, english_shop
):
    location = shop_location()
    croissant = stocked(location, price=130, stock=10, name_en="Croissant", name_fr="Croissant")
    fill_cart(client, location, (croissant, 2))
    placed = client.post(reverse("storefront:checkout"), checkout_form(client))
    assert placed.status_code == 302

    with CaptureQueriesContext(connection) as queries:
        run_worker("--queue", "email")

    receipt = OutgoingEmail.objects.get(kind="order_receipt")
    assert receipt.status == EmailStatus.SENT and len(mailoutbox) == 1
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum('FROM "shop_shop"' in s for s in sql) == 1, "\n".join(sql)
    assert not [s for s in sql if s.startswith("SELECT") and 'FROM "orders_fulfilment"' in s]
    # The pickup is in the receipt all the same.
    assert "Pickup at Martyrs" in receipt.text_body


def test_outside_a_task_every_call_reads_the_shop_again():
    get_shop()  # created on first use
    with CaptureQueriesContext(connection) as queries:
        get_shop()
        get_shop()
    assert len(queries.captured_queries) == 2
    with CaptureQueriesContext(connection) as queries, shop_read_when_needed():
        first = get_shop()
        assert get_shop() is first
    assert len(queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as queries, shop_read_when_needed():
        pass  # a task that never asks reads nothing
    assert queries.captured_queries == []


def test_recording_a_first_receipt_reads_neither_the_customer_nor_earlier_receipts(
    client, run_worker, mailoutbox, english_shop
):
    location = shop_location()
    croissant = stocked(location, price=130, stock=10, name_en="Croissant", name_fr="Croissant")
    fill_cart(client, location, (croissant, 1))
    assert client.post(reverse("storefront:checkout"), checkout_form(client)).status_code == 302

    with CaptureQueriesContext(connection) as queries:
        run_worker("--queue", "email")

    assert len(mailoutbox) == 1
    sql = [query["sql"] for query in queries.captured_queries]
    # The receipt is recorded in the customer's conversation, made for this first order:
    # no customer row is read for it, and no earlier receipt can be in a new conversation.
    assert [s for s in sql if s.startswith('INSERT INTO "messaging_message"')]
    assert not [s for s in sql if 'FROM "customers_customer"' in s], "\n".join(sql)
    assert not [s for s in sql if 'FROM "messaging_message"' in s], "\n".join(sql)
