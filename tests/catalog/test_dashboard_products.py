"""The product and category pages as a catalog manager uses them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.catalog.models import Product
from comptoir.dashboard.views.catalog import PRODUCTS_PER_PAGE
from comptoir.team.permissions import Permission
from tests.catalog.images import png_upload
from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(staff_client):
    # Pages in English, so assertions read the source messages whatever the .po says.
    return staff_client(Permission.MANAGE_CATALOG, user__language="en")


def product_data(category, **overrides):
    data = {
        "category": category.pk,
        "name_fr": "Chouquettes",
        "name_en": "Sugar puffs",
        "description_fr": "Sucre perlé",
        "description_en": "",
        "price": "2,50",
        "sku": "CHQ",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_product_list_shows_price_status_and_stock_per_location(manager_client):
    martyrs = LocationFactory(name="Martyrs", position=0)
    batignolles = LocationFactory(name="Batignolles", position=1)
    product = ProductFactory(name_en="Chouquettes", price=250, is_active=False)
    AvailabilityFactory(product=product, location=martyrs, stock=7)
    AvailabilityFactory(product=product, location=batignolles, is_available=False)
    response = manager_client.get(reverse("dashboard:product_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chouquettes" in html
    assert "€2.50" in html
    row = response.context["rows"][0]
    assert [location.name for location in response.context["locations"]] == [
        "Martyrs",
        "Batignolles",
    ]
    assert [(a.is_available, a.stock) for a in row.availabilities] == [(True, 7), (False, None)]
    assert 'class="table-wrap"' in html


def test_product_list_searches_by_name_or_sku_and_filters_by_category(manager_client):
    breads, cakes = CategoryFactory(), CategoryFactory()
    ProductFactory(name_fr="Baguette", sku="BAG", category=breads)
    ProductFactory(name_fr="Pain de campagne", name_en="Country loaf", sku="CAMP", category=breads)
    ProductFactory(name_fr="Éclair", sku="ECL-1", category=cakes)

    def names(**params):
        response = manager_client.get(reverse("dashboard:product_list"), params)
        return sorted(row.product.name_fr for row in response.context["rows"])

    assert names(q="campagne") == ["Pain de campagne"]
    assert names(q="country") == ["Pain de campagne"]
    assert names(q="ecl-") == ["Éclair"]
    assert names(category=breads.pk) == ["Baguette", "Pain de campagne"]
    assert names(q="bag", category=cakes.pk) == []


def test_product_list_offers_every_category_keeps_the_chosen_one_and_links_each_product(
    manager_client,
):
    breads = CategoryFactory(name_en="Breads", position=1)
    cakes = CategoryFactory(name_en="Cakes & <tarts>", position=2)
    eclair = ProductFactory(category=cakes)

    html = manager_client.get(reverse("dashboard:product_list"), {"category": cakes.pk}).content
    page = html.decode()

    assert f'<option value="{breads.pk}">Breads</option>' in page
    assert f'<option value="{cakes.pk}" selected>Cakes &amp; &lt;tarts&gt;</option>' in page
    assert page.index(">Breads<") < page.index(">Cakes &amp;")
    assert f'href="{reverse("dashboard:product_edit", args=[eclair.pk])}"' in page
    assert f'href="{reverse("dashboard:product_availability", args=[eclair.pk])}"' in page


def test_product_list_is_paginated(manager_client):
    ProductFactory.create_batch(PRODUCTS_PER_PAGE + 1)
    first = manager_client.get(reverse("dashboard:product_list"))
    second = manager_client.get(reverse("dashboard:product_list"), {"page": 2})
    assert len(first.context["rows"]) == PRODUCTS_PER_PAGE
    assert len(second.context["rows"]) == 1
    assert "page=2" in first.content.decode()


def test_product_list_query_count_does_not_grow_with_products(manager_client, count_queries):
    locations = [LocationFactory(), LocationFactory()]

    def add_products(count):
        for product in ProductFactory.create_batch(count):
            for location in locations:
                AvailabilityFactory(product=product, location=location, stock=3)

    url = reverse("dashboard:product_list")
    add_products(2)
    manager_client.get(url)  # warm the session and the shop row
    with count_queries() as few:
        manager_client.get(url)
    add_products(30)
    with count_queries() as many:
        response = manager_client.get(url)
    assert len(response.context["rows"]) == 32
    assert many.count == few.count
    assert many.count <= 12, [q["sql"] for q in many.context.captured_queries]


def test_new_product_from_the_form_is_stored_in_cents_with_its_image(manager_client):
    category = CategoryFactory()
    location = LocationFactory()
    response = manager_client.post(
        reverse("dashboard:product_create"),
        product_data(category, available_at=[location.pk], image=png_upload("chouquettes.png")),
    )
    product = Product.objects.get()
    assert response.status_code == 302
    assert product.price == 250
    assert product.image.name.startswith("products/chouquettes")
    assert list(product.availabilities.values_list("location_id", "stock")) == [(location.pk, None)]


def test_create_form_offers_every_location_by_default(manager_client):
    here, there = LocationFactory(), LocationFactory()
    form = manager_client.get(reverse("dashboard:product_create")).context["form"]
    assert set(form.initial["available_at"]) == {here.pk, there.pk}


def test_create_form_keeps_what_was_typed_when_the_sku_is_taken(manager_client):
    ProductFactory(sku="CHQ", name_fr="Autre", name_en="Other")
    category = CategoryFactory()
    response = manager_client.post(
        reverse("dashboard:product_create"),
        product_data(category, description_fr="Sucre perlé et beurre"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["sku"] == ["The SKU “CHQ” is already used by “Other”."]
    for typed in [
        'value="Chouquettes"',
        'value="Sugar puffs"',
        'value="2,50"',
        'value="CHQ"',
        "Sucre perlé et beurre",
    ]:
        assert typed in html
    assert Product.objects.count() == 1


def test_create_form_refuses_a_malformed_price_and_keeps_the_rest(manager_client):
    category = CategoryFactory()
    response = manager_client.post(
        reverse("dashboard:product_create"), product_data(category, price="deux euros")
    )
    assert response.status_code == 400
    assert "price" in response.context["form"].errors
    assert 'value="deux euros"' in response.content.decode()
    assert 'value="Chouquettes"' in response.content.decode()
    assert not Product.objects.exists()


def test_create_form_requires_the_name_in_the_published_language(manager_client):
    category = CategoryFactory()
    response = manager_client.post(
        reverse("dashboard:product_create"), product_data(category, name_fr="")
    )
    assert response.status_code == 400
    assert "name_fr" in response.context["form"].errors
    assert not Product.objects.exists()


def test_create_form_refuses_a_file_that_is_not_an_image(manager_client):
    category = CategoryFactory()
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = manager_client.post(
        reverse("dashboard:product_create"), product_data(category, image=fake)
    )
    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    assert not Product.objects.exists()


def test_edit_form_shows_the_price_in_euros_and_saves_changes(manager_client):
    product = ProductFactory(name_fr="Chouquettes", price=250, sku="CHQ")
    url = reverse("dashboard:product_edit", args=[product.pk])
    page = manager_client.get(url)
    assert page.context["form"]["price"].value() == "2.50"
    response = manager_client.post(url, product_data(product.category, price="2.80"))
    product.refresh_from_db()
    assert response.status_code == 302
    assert (product.price, product.name_en, product.description_fr) == (
        280,
        "Sugar puffs",
        "Sucre perlé",
    )


def test_edit_form_can_remove_the_image(manager_client):
    category = CategoryFactory()
    manager_client.post(
        reverse("dashboard:product_create"), product_data(category, image=png_upload())
    )
    product = Product.objects.get()
    assert product.image
    response = manager_client.post(
        reverse("dashboard:product_edit", args=[product.pk]),
        product_data(category, **{"image-clear": "on"}),
    )
    product.refresh_from_db()
    assert response.status_code == 302
    assert not product.image


def test_edit_of_a_missing_product_is_not_found(manager_client):
    response = manager_client.get(reverse("dashboard:product_edit", args=[999999]))
    assert response.status_code == 404


def test_category_list_counts_products_and_edit_keeps_the_slug(manager_client):
    category = CategoryFactory(name_fr="Pains", slug="pains")
    ProductFactory.create_batch(2, category=category)
    listing = manager_client.get(reverse("dashboard:category_list"))
    assert [c.product_count for c in listing.context["categories"]] == [2]
    manager_client.post(
        reverse("dashboard:category_edit", args=[category.pk]),
        {"name_fr": "Pains au levain", "name_en": "", "position": 0},
    )
    category.refresh_from_db()
    assert (category.name_fr, category.slug) == ("Pains au levain", "pains")


def test_edit_form_shows_a_french_price_to_french_staff(staff_client):
    client = staff_client(Permission.MANAGE_CATALOG, user__language="fr")
    product = ProductFactory(price=1250)
    page = client.get(reverse("dashboard:product_edit", args=[product.pk]))
    assert page.context["form"]["price"].value() == "12,50"
