"""Availability and stock per location, and the location limits of team members."""

import pytest
from django.urls import reverse

from comptoir.catalog.models import Availability
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import AvailabilityFactory, LocationFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def martyrs():
    return LocationFactory(name="Martyrs", slug="martyrs", position=0)


@pytest.fixture
def batignolles():
    return LocationFactory(name="Batignolles", slug="batignolles", position=1)


@pytest.fixture
def product(martyrs, batignolles):
    product = ProductFactory(name_fr="Fraisier", name_en="Strawberry cake")
    AvailabilityFactory(product=product, location=martyrs, stock=3)
    AvailabilityFactory(product=product, location=batignolles, stock=8)
    return product


@pytest.fixture
def limited_client(staff_client, martyrs):
    """A catalog manager who works only at Martyrs."""
    return staff_client(Permission.MANAGE_CATALOG, locations=[martyrs], user__language="en")


def stock_at(product, location):
    row = Availability.objects.get(product=product, location=location)
    return row.is_available, row.stock


def url(product):
    return reverse("dashboard:product_availability", args=[product.pk])


def test_full_access_member_sees_and_sets_every_location(
    make_member, signed_in, product, martyrs, batignolles
):
    client = signed_in(make_member(access=Access.FULL))
    page = client.get(url(product))
    assert [row.location for row in page.context["rows"]] == [martyrs, batignolles]
    response = client.post(
        url(product), {"location": batignolles.pk, "is_available": "on", "stock": "20"}
    )
    assert response.status_code == 302
    assert stock_at(product, batignolles) == (True, 20)
    assert stock_at(product, martyrs) == (True, 3)


def test_empty_stock_means_not_counted_and_unticked_means_not_sold(
    limited_client, product, martyrs
):
    response = limited_client.post(url(product), {"location": martyrs.pk, "stock": ""})
    assert response.status_code == 302
    assert stock_at(product, martyrs) == (False, None)


def test_location_without_a_row_yet_can_be_put_on_sale(limited_client, martyrs):
    product = ProductFactory()
    limited_client.post(url(product), {"location": martyrs.pk, "is_available": "on", "stock": "2"})
    assert stock_at(product, martyrs) == (True, 2)


def test_htmx_save_redraws_only_that_locations_row(limited_client, product, martyrs):
    response = limited_client.post(
        url(product),
        {"location": martyrs.pk, "is_available": "on", "stock": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="availability"')
    assert "<html" not in html
    assert "Saved" in html
    assert stock_at(product, martyrs) == (True, 1)


def test_negative_stock_is_refused_and_nothing_changes(limited_client, product, martyrs):
    response = limited_client.post(
        url(product), {"location": martyrs.pk, "is_available": "on", "stock": "-2"}
    )
    assert response.status_code == 400
    assert 'value="-2"' in response.content.decode()
    assert stock_at(product, martyrs) == (True, 3)


def test_location_limited_member_sees_only_their_locations_availability(
    limited_client, product, martyrs, batignolles
):
    page = limited_client.get(url(product))
    assert [row.location for row in page.context["rows"]] == [martyrs]
    assert "Batignolles" not in page.content.decode()

    listing = limited_client.get(reverse("dashboard:product_list"))
    assert listing.context["locations"] == [martyrs]
    assert [a.stock for a in listing.context["rows"][0].availabilities] == [3]
    assert "Batignolles" not in listing.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_location_limited_member_cannot_change_another_locations_stock(
    limited_client, product, batignolles, htmx
):
    headers = {"HX-Request": "true"} if htmx else {}
    response = limited_client.post(
        url(product), {"location": batignolles.pk, "stock": "0"}, headers=headers
    )
    assert response.status_code == 403
    assert stock_at(product, batignolles) == (True, 8)


def test_location_limited_member_can_change_their_own_locations_stock(
    limited_client, product, martyrs, batignolles
):
    response = limited_client.post(
        url(product), {"location": martyrs.pk, "is_available": "on", "stock": "0"}
    )
    assert response.status_code == 302
    assert stock_at(product, martyrs) == (True, 0)
    assert stock_at(product, batignolles) == (True, 8)


def test_unknown_location_is_not_found(limited_client, product):
    response = limited_client.post(url(product), {"location": "999999", "stock": "1"})
    assert response.status_code == 404


def test_htmx_save_with_a_mistake_redraws_the_row_with_the_error(limited_client, product, martyrs):
    response = limited_client.post(
        url(product),
        {"location": martyrs.pk, "is_available": "on", "stock": "beaucoup"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful responses
    assert 'class="errorlist' in html
    assert 'value="beaucoup"' in html
    assert "Saved" not in html
    assert stock_at(product, martyrs) == (True, 3)
