"""A table order's payment submitted twice at the same instant (a double tap on a
phone): one order, one charge, one acceptance, one ticket per station (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.orders.models import FulfilmentState, Order, OrderEvent
from comptoir.payments.models import TestCharge
from comptoir.stations.models import Ticket
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.stations.factories import cafe
from tests.tables.helpers import add_at_table, make_table, pay_form


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_payment_twice_at_once_places_charges_and_accepts_once(english_shop):
    skip_unless_postgres()
    place = cafe()
    table = make_table(place.location, "4")
    shopper = Client()
    add_at_table(shopper, table, (place.croissant, 1), (place.espresso, 1))
    data = pay_form(shopper, table)
    url = reverse("storefront:table_pay", args=[table.token])

    def tap(_n: int) -> object:
        phone = Client()
        phone.cookies = shopper.cookies  # the same browser session
        return phone.post(url, data).status_code

    outcomes = run_at_once(2, tap)

    assert outcomes == [302, 302]
    order = Order.objects.get()
    assert order.fulfilment.state == FulfilmentState.RESERVED
    assert TestCharge.objects.count() == 1
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert sorted(Ticket.objects.values_list("station__name", flat=True)) == ["Bar", "Kitchen"]
