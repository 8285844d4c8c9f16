import pytest
from django.test import Client

from comptoir.catalog.models import Availability, Category, Product
from comptoir.demo import content
from comptoir.demo.seed import seed_demo
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access, TeamMember

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (TeamMember, Location, Category, Product, Availability)
    }


def test_seed_creates_two_locations_a_catalog_in_categories_and_staff_of_each_role():
    created = seed_demo(report=lambda line: None, progress=False)

    assert Location.objects.count() == 2
    assert Category.objects.count() == len(content.CATALOG) >= 5
    assert Product.objects.count() == sum(len(products) for _, products in content.CATALOG)
    accesses = set(TeamMember.objects.values_list("access", flat=True))
    assert accesses == {Access.OWNER, Access.FULL, Access.ROLE}
    limited = TeamMember.objects.get(user__email="vendeur@example.com")
    assert [loc.slug for loc in limited.locations.all()] == ["martyrs"]
    assert created["products"] == Product.objects.count()
    shop = get_shop()
    assert shop.name == "Boulangerie Camille" and shop.publishes_both_languages


def test_seed_is_idempotent():
    seed_demo(report=lambda line: None, progress=False)
    before = counts()

    created = seed_demo(report=lambda line: None, progress=False)

    assert counts() == before
    assert set(created.values()) == {0}


def test_demo_logins_work_on_the_dashboard():
    seed_demo(report=lambda line: None, progress=False)
    for email, *_ in content.STAFF:
        client = Client()
        response = client.post(
            "/dashboard/login/", {"username": email, "password": content.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        assert client.get("/dashboard/").status_code == 200


def test_location_only_products_are_sold_only_there():
    seed_demo(report=lambda line: None, progress=False)
    client = Client()
    martyrs = client.get("/?location=martyrs").content.decode()
    batignolles = client.get("/?location=batignolles").content.decode()
    assert "Croque-monsieur" in martyrs and "Croque-monsieur" not in batignolles
    assert "Fraisier" in batignolles and "Fraisier" not in martyrs
