"""Two tabs adding to one cart at the same moment: every add counts, none fails."""

import threading

import pytest
from django.db import connection

from comptoir.checkout.models import CartLine
from comptoir.checkout.services import add_to_cart, start_cart
from tests.checkout.factories import sold_at
from tests.factories import LocationFactory

TABS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_product_to_one_cart_sum_on_one_line():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so it proves nothing here")
    location = LocationFactory()
    croissant = sold_at(location)
    cart = start_cart(location=location, product=sold_at(location))
    start = threading.Barrier(TABS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def add_one() -> None:
        try:
            start.wait(timeout=60)
            add_to_cart(cart=cart, product=croissant, quantity=1)
            outcome = "added"
        except Exception as error:  # reported by the assertion below
            outcome = repr(error)
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=add_one) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert outcomes == ["added"] * TABS
    assert CartLine.objects.get(cart=cart, product=croissant).quantity == TABS
