"""The bench data generators, in-process on the test database: they fill an empty
database, the owner they create can sign in, and they refuse to run twice."""

from __future__ import annotations

import pytest
from django.test import Client

from bench import bulk
from bench.generate import GenerationRefused, generate, plan
from bench.generators.staff import OWNER_EMAIL, OWNER_PASSWORD
from comptoir.catalog.models import Availability, Product
from comptoir.shop.models import Location
from comptoir.team.models import Access, TeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet():
    bulk.SHOW_PROGRESS = False
    yield
    bulk.SHOW_PROGRESS = True


def test_dependencies_come_first_and_are_marked_as_not_requested():
    steps = [(generator.name, requested) for generator, requested in plan(["catalog"])]
    assert steps == [("shop", False), ("catalog", True)]


def test_tiny_scale_fills_catalog_and_staff_with_bilingual_products_and_every_kind_of_member():
    counts = generate("tiny", report=lambda line: None)

    assert counts["catalog.Product"] == Product.objects.count() >= 30
    assert counts["catalog.Availability"] == Product.objects.count() * Location.objects.count()
    product = Product.objects.first()
    assert product.name_fr and product.name_en and product.name_fr != product.name_en
    assert Availability.objects.filter(stock__isnull=False).exists()
    accesses = set(TeamMember.objects.values_list("access", flat=True))
    assert accesses == {Access.OWNER, Access.FULL, Access.ROLE}
    assert TeamMember.objects.filter(all_locations=False, locations__isnull=False).exists()


def test_the_generated_owner_signs_in_to_the_dashboard():
    generate("tiny", only=["staff"], report=lambda line: None)

    response = Client().post(
        "/dashboard/login/", {"username": OWNER_EMAIL, "password": OWNER_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == "/dashboard/"


def test_generating_again_is_refused_and_changes_nothing():
    generate("tiny", report=lambda line: None)
    before = Product.objects.count(), TeamMember.objects.count(), Location.objects.count()

    with pytest.raises(GenerationRefused, match="already holds data"):
        generate("tiny", only=["catalog"], report=lambda line: None)

    assert (Product.objects.count(), TeamMember.objects.count(), Location.objects.count()) == before


def test_a_filled_dependency_is_kept_when_only_a_later_generator_is_asked_for():
    generate("tiny", only=["shop"], report=lambda line: None)
    locations = list(Location.objects.values_list("pk", flat=True))
    lines: list[str] = []

    generate("tiny", only=["catalog"], report=lines.append)

    assert list(Location.objects.values_list("pk", flat=True)) == locations
    assert "shop: already filled, kept as it is" in lines
    assert Product.objects.exists()
