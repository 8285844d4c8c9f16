"""The catalog as shoppers see it on the storefront home."""

import pytest

from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_home_lists_active_available_products_under_their_category(client):
    location = LocationFactory(name="Martyrs")
    viennoiseries = CategoryFactory(name_fr="Viennoiseries", slug="viennoiseries")
    croissant = ProductFactory(category=viennoiseries, name_fr="Croissant au beurre", price=130)
    retired = ProductFactory(category=viennoiseries, name_fr="Chausson retiré", is_active=False)
    elsewhere = ProductFactory(category=viennoiseries, name_fr="Brioche d'ailleurs")
    AvailabilityFactory(product=croissant, location=location)
    AvailabilityFactory(product=retired, location=location)
    AvailabilityFactory(product=elsewhere, location=location, is_available=False)

    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    shelves = response.context["shelves"]
    assert [(shelf.category, shelf.products) for shelf in shelves] == [(viennoiseries, [croissant])]
    assert "Viennoiseries" in html
    assert "Croissant au beurre" in html
    assert html.index("Viennoiseries") < html.index("Croissant au beurre")
    assert "Chausson retiré" not in html
    assert "Brioche d" not in html
