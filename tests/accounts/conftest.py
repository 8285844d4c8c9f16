from collections.abc import Callable

import pytest
from django.utils import translation

from comptoir.customers.models import Customer
from tests.factories import LocationFactory, ShopperFactory
from tests.orders.factories import stocked


@pytest.fixture(autouse=True)
def _english_storefront(english_shop):
    """Assertions read the English source texts: the shop publishes English."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_shopper(db) -> Callable[..., Customer]:
    """``make_shopper(email="a@example.com")``: a customer record with an account."""
    return ShopperFactory


@pytest.fixture
def location(db):
    return LocationFactory()


@pytest.fixture
def product(location):
    """A croissant at 4.50, never out of stock."""
    return stocked(location, price=450, stock=None, name_en="Croissant", name_fr="Croissant")
