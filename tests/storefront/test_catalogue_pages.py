"""The storefront home and category pages at catalogue scale: the home shows each
category's first products with a link to the category's page, which pages through them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.models import Availability
from comptoir.catalog.selectors import (
    CATEGORY_PRODUCTS_PER_PAGE,
    HOME_CATEGORIES_PER_PAGE,
    HOME_PRODUCTS_PER_CATEGORY,
)
from comptoir.shop.services import update_shop_settings
from tests.factories import AvailabilityFactory, CategoryFactory, LocationFactory, ProductFactory
from tests.orders.factories import stocked

pytestmark = pytest.mark.django_db

# The shop, the locations, the categories with something sold here, the page's
# categories' products, which of them are sold here, the shown products and their stock.
HOME_QUERIES = 7
CATEGORY_QUERIES = 6


def sold(location, category, count, **product):
    """``count`` products of ``category`` sold at ``location``, in position order."""
    products = [
        ProductFactory(category=category, position=position, **product) for position in range(count)
    ]
    for item in products:
        AvailabilityFactory(product=item, location=location)
    return products


@pytest.fixture
def location(english_shop):
    return LocationFactory(name="Martyrs")


def test_home_shows_eight_products_per_category_and_see_all_only_when_there_are_more(
    client, location
):
    breads = CategoryFactory(name_en="Breads", slug="breads", position=1)
    cakes = CategoryFactory(name_en="Cakes", slug="cakes", position=2)
    many = sold(location, breads, 11)
    few = sold(location, cakes, 3)

    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    shelves = response.context["shelves"]
    assert [(shelf.category, shelf.products, shelf.count) for shelf in shelves] == [
        (breads, many[:HOME_PRODUCTS_PER_CATEGORY], 11),
        (cakes, few, 3),
    ]
    assert many[7].name in html and many[8].name not in html
    assert '<a href="/categories/breads/">See all 11' in html
    assert "/categories/cakes/" not in html


def test_a_shelf_shows_the_first_products_sold_here_and_counts_only_those(client, location):
    breads = CategoryFactory(name_en="Breads", slug="breads", position=1)
    products = [ProductFactory(category=breads, position=position) for position in range(12)]
    elsewhere = LocationFactory(name="Vaugirard")
    for position, product in enumerate(products):
        if position in (0, 2, 4):  # not sold here: only at the other shop, or paused here
            AvailabilityFactory(product=product, location=elsewhere)
            if position == 4:
                AvailabilityFactory(product=product, location=location, is_available=False)
        elif position == 6:  # retired
            AvailabilityFactory(product=product, location=location)
            product.is_active = False
            product.save()
        else:
            AvailabilityFactory(product=product, location=location)

    [shelf] = client.get("/").context["shelves"]

    sold_here = [p for n, p in enumerate(products) if n not in (0, 2, 4, 6)]
    assert shelf.products == sold_here[:HOME_PRODUCTS_PER_CATEGORY]
    assert shelf.count == len(sold_here) == 8 and not shelf.has_more
    products[1].is_active = False  # one fewer sold here: the eight fit... with one to spare
    products[1].save()
    AvailabilityFactory(product=ProductFactory(category=breads, position=20), location=location)
    AvailabilityFactory(product=ProductFactory(category=breads, position=21), location=location)

    [shelf] = client.get("/").context["shelves"]

    assert shelf.count == 9 and shelf.has_more
    assert [p.position for p in shelf.products] == [3, 5, 7, 8, 9, 10, 11, 20]


def test_home_link_name_says_which_category_see_all_opens(client, location):
    sold(location, CategoryFactory(name_en="Breads", slug="breads"), 9)

    html = client.get("/").content.decode()

    assert 'See all 9<span class="visually-hidden">: Breads</span></a>' in html


def test_category_page_pages_through_the_products_48_at_a_time(client, location):
    breads = CategoryFactory(name_en="Breads", slug="breads")
    products = sold(location, breads, CATEGORY_PRODUCTS_PER_PAGE + 2)

    first = client.get("/categories/breads/")
    second = client.get("/categories/breads/?page=2")

    assert first.status_code == second.status_code == 200
    assert list(first.context["page"].object_list) == products[:CATEGORY_PRODUCTS_PER_PAGE]
    assert list(second.context["page"].object_list) == products[CATEGORY_PRODUCTS_PER_PAGE:]
    first_html = first.content.decode()
    assert "<h1>Breads</h1>" in first_html
    assert "50 products at Martyrs" in first_html
    assert "Page 1 of 2" in first_html
    assert 'href="?page=2" rel="next"' in first_html
    assert products[-1].name not in first_html
    assert products[-1].name in second.content.decode()


def test_home_pages_through_the_categories(client, location):
    categories = [
        CategoryFactory(position=position) for position in range(HOME_CATEGORIES_PER_PAGE + 1)
    ]
    for category in categories:
        sold(location, category, 1)

    first = client.get("/")
    second = client.get("/?page=2")

    shown = [shelf.category for shelf in first.context["shelves"]]
    assert shown == categories[:HOME_CATEGORIES_PER_PAGE]
    assert [shelf.category for shelf in second.context["shelves"]] == categories[-1:]
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()


def test_only_products_sold_at_the_location_are_shown_and_counted(client, location):
    elsewhere = LocationFactory(name="Vaugirard")
    breads = CategoryFactory(name_en="Breads", slug="breads", position=1)
    sellable = sold(location, breads, HOME_PRODUCTS_PER_CATEGORY)
    retired = ProductFactory(category=breads, name_en="Retired loaf", is_active=False)
    AvailabilityFactory(product=retired, location=location)
    not_here = ProductFactory(category=breads, name_en="Loaf not sold here")
    AvailabilityFactory(product=not_here, location=location, is_available=False)
    other_shop = ProductFactory(category=breads, name_en="Loaf of the other shop")
    AvailabilityFactory(product=other_shop, location=elsewhere)
    # A category with nothing sold at the location is not on its home.
    CategoryFactory(name_en="Cakes", slug="cakes", position=2)
    sold(elsewhere, CategoryFactory(name_en="Pies", slug="pies", position=3), 2)

    home = client.get("/")
    page = client.get("/categories/breads/")

    shelves = home.context["shelves"]
    assert [(shelf.category, shelf.products, shelf.count) for shelf in shelves] == [
        (breads, sellable, HOME_PRODUCTS_PER_CATEGORY)
    ]
    html = home.content.decode()
    assert "See all" not in html
    assert "Cakes" not in html and "Pies" not in html
    assert list(page.context["page"].object_list) == sellable
    assert page.context["page"].paginator.count == HOME_PRODUCTS_PER_CATEGORY
    for hidden in ("Retired loaf", "Loaf not sold here", "Loaf of the other shop"):
        assert hidden not in html
        assert hidden not in page.content.decode()


def test_category_page_follows_the_location_switch(client, location):
    elsewhere = LocationFactory(name="Vaugirard")
    breads = CategoryFactory(name_en="Breads", slug="breads")
    here = sold(location, breads, 2)
    there = sold(elsewhere, breads, 1)

    default = client.get("/categories/breads/")
    switched = client.get("/categories/breads/?location=vaugirard")

    assert list(default.context["page"].object_list) == here
    assert list(switched.context["page"].object_list) == there
    assert "1 product at Vaugirard" in switched.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/categories/unknown/", "/categories/cakes/", "/categories/pies/"],
    ids=["unknown slug", "empty category", "sold at another location only"],
)
def test_category_page_is_not_found_without_products_at_the_location(client, location, path):
    sold(location, CategoryFactory(slug="breads"), 1)
    CategoryFactory(slug="cakes")
    sold(LocationFactory(name="Vaugirard"), CategoryFactory(slug="pies"), 1)

    assert client.get(path).status_code == 404


def test_category_page_is_in_the_shoppers_language(client, location, owner):
    update_shop_settings(actor=owner, published_language="en", publishes_both_languages=True)
    breads = CategoryFactory(name_fr="Pains", name_en="Breads", slug="breads")
    sold(location, breads, 1, name_fr="Baguette tradition", name_en="Traditional baguette")

    english = client.get("/categories/breads/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    french = client.get("/categories/breads/").content.decode()

    assert "<h1>Breads</h1>" in english and "Traditional baguette" in english
    assert "<h1>Pains</h1>" in french and "Baguette tradition" in french


@pytest.mark.parametrize("per_category", [3, 30])
def test_home_and_category_pages_read_a_constant_number_of_queries(
    client, location, per_category, django_assert_num_queries
):
    categories = [CategoryFactory(slug=f"shelf-{number}") for number in range(3)]
    for category in categories:
        sold(location, category, per_category)
    client.get("/")  # the shop's settings are read once per process
    client.get("/categories/shelf-0/")

    with django_assert_num_queries(HOME_QUERIES):
        home = client.get("/")
    with django_assert_num_queries(CATEGORY_QUERIES):
        page = client.get("/categories/shelf-0/?page=1")

    assert home.status_code == page.status_code == 200
    assert len(home.context["shelves"]) == 3
    assert len(page.context["page"].object_list) == per_category


def test_a_product_page_reads_the_product_and_its_stock_here_in_one_statement(
    client, location, english_shop
):
    other = LocationFactory(name="Elsewhere", slug="elsewhere")
    eclair = stocked(location, price=250, stock=3, name_en="Eclair", name_fr="Eclair")
    Availability.objects.create(product=eclair, location=other, stock=40)
    client.get("/", {"location": location.slug})

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/products/{eclair.slug}/")

    html = page.content.decode()
    assert page.status_code == 200 and "Eclair" in html
    assert "3 left" in html and "40 left" not in html  # this location's stock, not the other's
    product_reads = [q["sql"] for q in queries.captured_queries if "catalog_" in q["sql"]]
    assert len(product_reads) == 1, product_reads
    assert product_reads[0].count('JOIN "catalog_availability"') == 1, product_reads[0]
    # Not sold here (any more): not found, whatever its stock elsewhere.
    Availability.objects.filter(product=eclair, location=location).update(is_available=False)
    assert client.get(f"/products/{eclair.slug}/").status_code == 404
