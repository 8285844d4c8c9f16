import pytest
from django.test import Client

from comptoir.shop.selectors import get_shop
from tests.factories import LocationFactory


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", slug="martyrs")


@pytest.fixture
def english_shop(db):
    """The storefront in English, for assertions on the English source texts."""
    shop = get_shop()
    shop.published_language = "en"
    shop.save(update_fields=["published_language"])
    return shop


@pytest.fixture
def shopper_client():
    """A test client signed in as the shopper (a customer record with a login)."""

    def sign_in(customer):
        client = Client()
        client.force_login(customer.user)
        client.customer = customer
        return client

    return sign_in
