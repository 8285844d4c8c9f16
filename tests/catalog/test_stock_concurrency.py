"""Orders placed at the same moment never sell more than the counted stock."""

import pytest

from comptoir.catalog.models import Availability
from comptoir.catalog.services import decrement_stock
from comptoir.errors import Conflict
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import AvailabilityFactory

BUYERS = 8
STOCK = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decrements_never_take_stock_below_zero():
    skip_unless_postgres()
    availability = AvailabilityFactory(stock=STOCK)
    product, location = availability.product, availability.location

    def buy_one(n: int) -> str:
        try:
            decrement_stock(product=product, location=location, quantity=1)
        except Conflict:
            return "refused"
        return "sold"

    outcomes = run_at_once(BUYERS, buy_one)

    assert sorted(outcomes) == ["refused"] * (BUYERS - STOCK) + ["sold"] * STOCK
    assert Availability.objects.get(pk=availability.pk).stock == 0
