from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from comptoir.customers.models import Customer
from comptoir.shop.selectors import get_shop
from tests.factories import ShopperFactory


@pytest.fixture(autouse=True)
def _english_storefront(db):
    """Assertions read the English source texts: the shop publishes English."""
    shop = get_shop()
    shop.published_language = "en"
    shop.save(update_fields=["published_language"])
    with translation.override("en"):
        yield


@pytest.fixture
def make_shopper(db) -> Callable[..., Customer]:
    """``make_shopper(email="a@example.com")``: a customer record with an account."""
    return ShopperFactory


@pytest.fixture
def shopper_client() -> Callable[[Customer], Client]:
    """A test client signed in as the shopper (the customer record's login)."""

    def sign_in(customer: Customer) -> Client:
        client = Client()
        client.force_login(customer.user)
        client.customer = customer  # type: ignore[attr-defined]
        return client

    return sign_in
