from decimal import Decimal

import pytest

from comptoir.catalog import services
from comptoir.catalog.models import Availability, Category, Product
from comptoir.errors import Conflict, DomainError, PermissionDenied
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.catalog.images import png_upload
from tests.factories import (
    AvailabilityFactory,
    CategoryFactory,
    LocationFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_member):
    return make_member(permissions=[Permission.MANAGE_CATALOG])


def test_category_slug_comes_from_the_name_and_is_made_unique(manager):
    first = services.create_category(actor=manager, name_fr="Pains spéciaux", name_en="")
    second = services.create_category(actor=manager, name_fr="Pains spéciaux", name_en="Breads")
    assert first.slug == "pains-speciaux"
    assert second.slug == "pains-speciaux-2"


def test_category_needs_a_name_in_the_published_language(manager):
    shop = get_shop()
    shop.published_language = "en"
    shop.save()
    with pytest.raises(DomainError, match="English") as refused:
        services.create_category(actor=manager, name_fr="Pains", name_en=" ")
    assert refused.value.code == "missing_name"
    category = services.create_category(actor=manager, name_fr="", name_en="Breads")
    assert category.slug == "breads"
    assert not Category.objects.filter(name_fr="Pains").exists()


def test_update_category_changes_only_what_is_given(manager):
    category = CategoryFactory(name_fr="Pains", name_en="Breads", slug="pains")
    services.update_category(actor=manager, category=category, name_en="Loaves", position=3)
    category.refresh_from_db()
    assert (category.name_fr, category.name_en, category.position, category.slug) == (
        "Pains",
        "Loaves",
        3,
        "pains",
    )


def test_new_product_price_from_text_is_stored_in_cents(manager):
    product = services.create_product(
        actor=manager, category=CategoryFactory(), name_fr="Croissant", name_en="", price="2,50"
    )
    product.refresh_from_db()
    assert product.price == 250
    assert product.slug == "croissant"
    assert product.sku is None


def test_new_product_is_sold_by_default_where_its_creator_works(make_member):
    here, elsewhere = LocationFactory(), LocationFactory()
    limited = make_member(permissions=[Permission.MANAGE_CATALOG], locations=[here])
    product = services.create_product(
        actor=limited,
        category=CategoryFactory(),
        name_fr="Éclair",
        name_en="Eclair",
        price=Decimal("4.20"),
    )
    sold_at = set(product.availabilities.values_list("location_id", "is_available", "stock"))
    assert sold_at == {(here.pk, True, None)}
    assert not product.availabilities.filter(location=elsewhere).exists()


def test_new_product_cannot_be_put_on_sale_at_another_location(make_member):
    here, elsewhere = LocationFactory(), LocationFactory()
    limited = make_member(permissions=[Permission.MANAGE_CATALOG], locations=[here])
    with pytest.raises(PermissionDenied):
        services.create_product(
            actor=limited,
            category=CategoryFactory(),
            name_fr="Éclair",
            name_en="",
            price="4",
            available_at=[here, elsewhere],
        )
    assert not Product.objects.exists()


def test_duplicate_sku_is_refused_with_a_clear_message(manager):
    ProductFactory(sku="CRO-01", name_fr="Croissant", name_en="Croissant")
    with pytest.raises(DomainError) as refused:
        services.create_product(
            actor=manager,
            category=CategoryFactory(),
            name_fr="Autre",
            name_en="",
            price="1",
            sku=" cro-01 ",
        )
    assert refused.value.code == "duplicate_sku"
    assert str(refused.value.message) == "The SKU “cro-01” is already used by “Croissant”."
    assert Product.objects.count() == 1


def test_product_without_the_published_language_name_is_refused(manager):
    with pytest.raises(DomainError, match="French"):
        services.create_product(
            actor=manager, category=CategoryFactory(), name_fr="", name_en="Croissant", price="1"
        )
    assert not Product.objects.exists()


def test_catalog_changes_need_the_manage_catalog_permission(make_member):
    clerk = make_member(permissions=[Permission.MANAGE_ORDERS])
    category = CategoryFactory()
    product = ProductFactory(category=category, price=150)
    with pytest.raises(PermissionDenied):
        services.create_category(actor=clerk, name_fr="Pains", name_en="")
    with pytest.raises(PermissionDenied):
        services.create_product(actor=clerk, category=category, name_fr="X", name_en="", price=1)
    with pytest.raises(PermissionDenied):
        services.update_product(actor=clerk, product=product, price="9,99")
    with pytest.raises(PermissionDenied):
        services.set_availability(
            actor=clerk, product=product, location=LocationFactory(), is_available=True, stock=3
        )
    product.refresh_from_db()
    assert product.price == 150
    assert Category.objects.count() == 1
    assert Product.objects.count() == 1
    assert not Availability.objects.exists()


def test_update_product_changes_price_sku_and_activity(manager):
    product = ProductFactory(price=150, sku="A", is_active=True)
    services.update_product(actor=manager, product=product, price="1.80", sku="", is_active=False)
    product.refresh_from_db()
    assert (product.price, product.sku, product.is_active) == (180, None, False)


def test_update_product_refuses_a_sku_taken_by_another_product(manager):
    ProductFactory(sku="TAKEN")
    product = ProductFactory(sku="MINE")
    with pytest.raises(DomainError, match="already used"):
        services.update_product(actor=manager, product=product, sku="TAKEN")
    product.refresh_from_db()
    assert product.sku == "MINE"


def test_update_product_rejects_unknown_fields(manager):
    with pytest.raises(TypeError):
        services.update_product(actor=manager, product=ProductFactory(), price_minor=3)


def test_product_image_is_stored_and_can_be_removed(manager, django_capture_on_commit_callbacks):
    product = services.create_product(
        actor=manager,
        category=CategoryFactory(),
        name_fr="Tarte",
        name_en="",
        price="4",
        image=png_upload("tarte.png"),
    )
    stored = product.image.name
    assert stored.startswith("products/")
    assert product.image.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_product(actor=manager, product=product, image=None)
    product.refresh_from_db()
    assert not product.image
    assert not product.image.storage.exists(stored)


def test_set_availability_creates_then_updates_the_row(manager):
    product, location = ProductFactory(), LocationFactory()
    services.set_availability(
        actor=manager, product=product, location=location, is_available=True, stock=4
    )
    services.set_availability(
        actor=manager, product=product, location=location, is_available=False, stock=None
    )
    row = Availability.objects.get(product=product, location=location)
    assert (row.is_available, row.stock) == (False, None)


def test_set_availability_refuses_negative_stock(manager):
    product, location = ProductFactory(), LocationFactory()
    with pytest.raises(DomainError):
        services.set_availability(
            actor=manager, product=product, location=location, is_available=True, stock=-1
        )
    assert not Availability.objects.exists()


def test_location_limited_member_cannot_set_another_locations_stock(make_member):
    here, elsewhere = LocationFactory(), LocationFactory()
    limited = make_member(permissions=[Permission.MANAGE_CATALOG], locations=[here])
    theirs = AvailabilityFactory(location=elsewhere, stock=7)
    with pytest.raises(PermissionDenied):
        services.set_availability(
            actor=limited, product=theirs.product, location=elsewhere, is_available=False, stock=0
        )
    theirs.refresh_from_db()
    assert (theirs.is_available, theirs.stock) == (True, 7)


@pytest.mark.parametrize("access", [Access.OWNER, Access.FULL])
def test_owner_and_full_access_may_set_any_locations_stock(make_member, access):
    member = make_member(access=access)
    availability = AvailabilityFactory(stock=1)
    services.set_availability(
        actor=member,
        product=availability.product,
        location=availability.location,
        is_available=True,
        stock=9,
    )
    availability.refresh_from_db()
    assert availability.stock == 9


def test_decrement_takes_from_counted_stock():
    availability = AvailabilityFactory(stock=5)
    result = services.decrement_stock(
        product=availability.product, location=availability.location, quantity=2
    )
    assert result.stock == 3
    availability.refresh_from_db()
    assert availability.stock == 3


def test_decrement_refuses_more_than_is_left_and_says_how_many():
    availability = AvailabilityFactory(
        stock=2, product__name_en="Paris-Brest", location__name="Martyrs"
    )
    with pytest.raises(Conflict) as refused:
        services.decrement_stock(
            product=availability.product, location=availability.location, quantity=3
        )
    assert str(refused.value.message) == "Only 2 left of Paris-Brest at Martyrs."
    availability.refresh_from_db()
    assert availability.stock == 2


def test_decrement_of_sold_out_stock_says_sold_out():
    availability = AvailabilityFactory(stock=0, product__name_en="Fraisier", location__name="Ici")
    with pytest.raises(Conflict, match="Fraisier is sold out at Ici"):
        services.decrement_stock(
            product=availability.product, location=availability.location, quantity=1
        )


def test_decrement_leaves_uncounted_stock_alone():
    availability = AvailabilityFactory(stock=None)
    result = services.decrement_stock(
        product=availability.product, location=availability.location, quantity=40
    )
    assert result.stock is None


@pytest.mark.parametrize("case", ["no_row", "not_available", "inactive_product"])
def test_decrement_refuses_a_product_not_sold_at_the_location(case):
    availability = AvailabilityFactory(stock=5, product__name_en="Quiche", location__name="Là")
    product, location = availability.product, availability.location
    if case == "no_row":
        availability.delete()
    elif case == "not_available":
        Availability.objects.filter(pk=availability.pk).update(is_available=False)
    else:
        Product.objects.filter(pk=product.pk).update(is_active=False)
        product.refresh_from_db()
    with pytest.raises(Conflict, match="Quiche is not sold at Là"):
        services.decrement_stock(product=product, location=location, quantity=1)
    assert set(Availability.objects.values_list("stock", flat=True)) <= {5}


def test_decrement_refuses_a_quantity_below_one():
    availability = AvailabilityFactory(stock=5)
    with pytest.raises(DomainError):
        services.decrement_stock(
            product=availability.product, location=availability.location, quantity=0
        )


def test_return_stock_puts_counted_stock_back_and_ignores_uncounted():
    counted = AvailabilityFactory(stock=1)
    uncounted = AvailabilityFactory(stock=None)
    assert (
        services.return_stock(product=counted.product, location=counted.location, quantity=2).stock
        == 3
    )
    assert (
        services.return_stock(
            product=uncounted.product, location=uncounted.location, quantity=2
        ).stock
        is None
    )
