"""Who may change the catalog: a parametrised matrix over every catalog change. A
refused change leaves the database exactly as it was."""

import pytest
from django.urls import reverse

from comptoir.catalog.models import Availability, Category, Product
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "member_without_manage_catalog",
    "member_with_manage_catalog",
    "owner",
    "full_access",
]
ALLOWED = {"member_with_manage_catalog", "owner", "full_access"}


@pytest.fixture
def client_for(client, make_member, signed_in):
    def build(who: str):
        if who == "anonymous":
            return client
        kwargs = {
            # Every other permission, to show none of them stands in for "manage catalog".
            "member_without_manage_catalog": {
                "permissions": [p for p in Permission if p != Permission.MANAGE_CATALOG]
            },
            "member_with_manage_catalog": {"permissions": [Permission.MANAGE_CATALOG]},
            "owner": {"access": Access.OWNER},
            "full_access": {"access": Access.FULL},
        }[who]
        return signed_in(make_member(**kwargs))

    return build


def assert_refused(response, who: str) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/dashboard/login/")
    else:
        assert response.status_code == 403
        assert "dashboard/refused.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "url_name", ["product_list", "product_create", "category_list", "category_create"]
)
def test_catalog_pages_open_only_to_members_who_manage_the_catalog(client_for, who, url_name):
    response = client_for(who).get(reverse(f"dashboard:{url_name}"))
    if who in ALLOWED:
        assert response.status_code == 200
    else:
        assert_refused(response, who)


@pytest.mark.parametrize("who", WHO)
def test_product_create(client_for, who):
    category = CategoryFactory()
    location = LocationFactory()
    response = client_for(who).post(
        reverse("dashboard:product_create"),
        {
            "category": category.pk,
            "name_fr": "Chouquettes",
            "name_en": "",
            "price": "2,50",
            "sku": "CHQ",
            "is_active": "on",
            "available_at": [location.pk],
        },
    )
    if who in ALLOWED:
        product = Product.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard:product_edit", args=[product.pk])
        assert (product.name_fr, product.price, product.sku) == ("Chouquettes", 250, "CHQ")
        assert product.availabilities.filter(location=location, is_available=True).exists()
    else:
        assert_refused(response, who)
        assert not Product.objects.exists()
        assert not Availability.objects.exists()


@pytest.mark.parametrize("who", WHO)
def test_product_edit(client_for, who):
    product = ProductFactory(name_fr="Chouquettes", price=250, sku="CHQ", is_active=True)
    response = client_for(who).post(
        reverse("dashboard:product_edit", args=[product.pk]),
        {
            "category": product.category_id,
            "name_fr": "Chouquettes x10",
            "name_en": "",
            "price": "3.90",
            "sku": "CHQ-10",
        },
    )
    product.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302
        assert (product.name_fr, product.price, product.sku, product.is_active) == (
            "Chouquettes x10",
            390,
            "CHQ-10",
            False,
        )
    else:
        assert_refused(response, who)
        assert (product.name_fr, product.price, product.sku, product.is_active) == (
            "Chouquettes",
            250,
            "CHQ",
            True,
        )


@pytest.mark.parametrize("who", WHO)
def test_product_availability_change(client_for, who):
    availability = AvailabilityFactory(is_available=True, stock=4)
    response = client_for(who).post(
        reverse("dashboard:product_availability", args=[availability.product_id]),
        {"location": availability.location_id, "stock": "12"},
    )
    availability.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302
        assert (availability.is_available, availability.stock) == (False, 12)
    else:
        assert_refused(response, who)
        assert (availability.is_available, availability.stock) == (True, 4)


@pytest.mark.parametrize("who", WHO)
def test_category_create(client_for, who):
    response = client_for(who).post(
        reverse("dashboard:category_create"), {"name_fr": "Pains", "name_en": "", "position": 1}
    )
    if who in ALLOWED:
        assert response.status_code == 302
        assert Category.objects.get().slug == "pains"
    else:
        assert_refused(response, who)
        assert not Category.objects.exists()


@pytest.mark.parametrize("who", WHO)
def test_category_edit(client_for, who):
    category = CategoryFactory(name_fr="Pains", name_en="Breads", position=0)
    response = client_for(who).post(
        reverse("dashboard:category_edit", args=[category.pk]),
        {"name_fr": "Pains au levain", "name_en": "Breads", "position": 2},
    )
    category.refresh_from_db()
    if who in ALLOWED:
        assert response.status_code == 302
        assert (category.name_fr, category.position) == ("Pains au levain", 2)
    else:
        assert_refused(response, who)
        assert (category.name_fr, category.position) == ("Pains", 0)


def test_catalog_menu_entries_show_only_with_the_permission(make_member, signed_in):
    with_it = signed_in(make_member(permissions=[Permission.MANAGE_CATALOG]))
    without = signed_in(make_member(permissions=[Permission.VIEW_ORDERS]))
    products_url = reverse("dashboard:product_list")
    assert f'href="{products_url}"' in with_it.get("/dashboard/").content.decode()
    assert f'href="{products_url}"' not in without.get("/dashboard/").content.decode()
