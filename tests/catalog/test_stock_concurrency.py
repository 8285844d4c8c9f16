"""Orders placed at the same moment never sell more than the counted stock."""

import threading

import pytest
from django.db import connection

from comptoir.catalog.models import Availability
from comptoir.catalog.services import decrement_stock
from comptoir.errors import Conflict
from tests.factories import AvailabilityFactory

BUYERS = 8
STOCK = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decrements_never_take_stock_below_zero():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so it proves nothing here")
    availability = AvailabilityFactory(stock=STOCK)
    product, location = availability.product, availability.location
    start = threading.Barrier(BUYERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy_one() -> None:
        try:
            start.wait(timeout=60)
            decrement_stock(product=product, location=location, quantity=1)
            outcome = "sold"
        except Conflict:
            outcome = "refused"
        except Exception as error:  # reported by the assertion below
            outcome = repr(error)
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buy_one) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert sorted(outcomes) == ["refused"] * (BUYERS - STOCK) + ["sold"] * STOCK
    assert Availability.objects.get(pk=availability.pk).stock == 0
