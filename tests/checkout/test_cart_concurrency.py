"""Two tabs adding to one cart at the same moment: every add counts, none fails."""

import pytest

from comptoir.checkout.models import CartLine
from comptoir.checkout.services import add_to_cart, start_cart
from tests.checkout.factories import sold_at
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import LocationFactory

TABS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_product_to_one_cart_sum_on_one_line():
    skip_unless_postgres()
    location = LocationFactory()
    croissant = sold_at(location)
    cart = start_cart(location=location, product=sold_at(location))

    def add_one(n: int) -> str:
        add_to_cart(cart=cart, product=croissant, quantity=1)
        return "added"

    outcomes = run_at_once(TABS, add_one)

    assert outcomes == ["added"] * TABS
    assert CartLine.objects.get(cart=cart, product=croissant).quantity == TABS
