"""Reads of the catalog, for the storefront and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.catalog.models import Availability, Category, Product
from comptoir.errors import NotFound
from comptoir.shop.models import Location
from comptoir.team.access import require_location, visible_location_ids
from comptoir.team.models import TeamMember

# The storefront home shows each category with its first products at the location and
# a link to the category's page when it has more; categories are paged too (a shop may
# have over a thousand). The category page pages through all of a category's products.
HOME_PRODUCTS_PER_CATEGORY = 8
HOME_CATEGORIES_PER_PAGE = 24
CATEGORY_PRODUCTS_PER_PAGE = 48


@dataclass(frozen=True)
class Shelf:
    """One category with the products a location sells, for the storefront. ``count``:
    how many the location sells in the category (0 when ``products`` are all of them)."""

    category: Category
    products: list[Product]
    count: int = 0

    @property
    def has_more(self) -> bool:
        return self.count > len(self.products)


def _sold_at(location: Location) -> QuerySet[Product]:
    """Active products sold at ``location`` (joined to their availability there)."""
    return Product.objects.filter(
        is_active=True,
        availabilities__location=location,
        availabilities__is_available=True,
    ).select_related("category")


def sellable_products(location: Location) -> QuerySet[Product]:
    return _sold_at(location).prefetch_related(
        Prefetch(
            "availabilities",
            queryset=Availability.objects.filter(location=location),
            to_attr="here",
        )
    )


def storefront_shelves(location: Location) -> list[Shelf]:
    """Categories in order, each with the active products sold at ``location``."""
    shelves: dict[int, Shelf] = {}
    for product in sellable_products(location).order_by(
        "category__position", "category_id", "position", "id"
    ):
        shelf = shelves.setdefault(product.category_id, Shelf(product.category, []))
        shelf.products.append(product)
    return list(shelves.values())


# A product card shows no description: not read for the home's and category pages' cards.
_CARD_UNUSED = ("description_fr", "description_en")


def storefront_home_shelves(location: Location, page_number: str | int | None) -> Page[Shelf]:
    """A page of the home's categories (in order, only those with a product sold at
    ``location``); its ``object_list`` holds each category's ``Shelf`` with its first
    ``HOME_PRODUCTS_PER_CATEGORY`` products and its count. Five queries whatever the size
    of the catalog, none of which reads every product of the location: at 30,000
    products a location, counting them all (the first way of this page) took 30-45 ms a
    request, the first products' window over them 9 ms; these take about 10 in all."""
    offered_here = Availability.objects.filter(location=location, is_available=True)
    # The categories with something sold here, in order: PostgreSQL stops at the first
    # product sold here in each category (a semi-join over the category's index).
    with_products = list(
        Category.objects.filter(
            Exists(
                offered_here.filter(product__is_active=True, product__category_id=OuterRef("pk"))
            )
        )
        .order_by("position", "id")
        .values_list("id", flat=True)
    )
    paginator: Paginator[Any] = Paginator(with_products, HOME_CATEGORIES_PER_PAGE)
    page = paginator.get_page(page_number)
    category_ids = list(page.object_list)
    # The page's categories' active products, in each category's order, then which of
    # them are sold here, looked up by product (an explicit list: PostgreSQL then reads
    # their rows through the product-and-location index instead of hashing every row
    # of the location).
    candidates = list(
        Product.objects.filter(is_active=True, category_id__in=category_ids)
        .order_by("category_id", "position", "id")
        .values_list("id", "category_id")
    )
    available = set(
        offered_here.filter(product_id__in=[pk for pk, _category in candidates]).values_list(
            "product_id", flat=True
        )
    )
    first: dict[int, list[int]] = {category_id: [] for category_id in category_ids}
    counts: dict[int, int] = dict.fromkeys(category_ids, 0)
    for pk, category_id in candidates:
        if pk in available:
            counts[category_id] += 1
            if len(first[category_id]) < HOME_PRODUCTS_PER_CATEGORY:
                first[category_id].append(pk)
    products = (
        sellable_products(location)
        .defer(*_CARD_UNUSED)
        .in_bulk([pk for ids in first.values() for pk in ids])
    )
    shown = []
    for category_id in category_ids:
        on_shelf = [products[pk] for pk in first[category_id] if pk in products]
        if on_shelf:  # gone since the first query: the shelf is left out
            shown.append(Shelf(on_shelf[0].category, on_shelf, counts[category_id]))
    return Page(shown, page.number, paginator)


def storefront_category(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


def storefront_category_products(category: Category, location: Location) -> QuerySet[Product]:
    """The products of ``category`` sold at ``location``, in the category's order."""
    return (
        sellable_products(location)
        .filter(category=category)
        .defer(*_CARD_UNUSED)
        .order_by("position", "id")
    )


def storefront_product(slug: str, location: Location) -> Product | None:
    """The product page's product, sold at ``location``, with its availability there in
    ``here`` as ``sellable_products`` gives it, but read in the same statement: the join
    that finds it sold here holds that row (one query a product page instead of two)."""
    product = (
        _sold_at(location)
        .filter(slug=slug)
        # After filter(): the annotations read the filtered join's row, no second join.
        .annotate(here_id=F("availabilities__id"), here_stock=F("availabilities__stock"))
        .first()
    )
    if product is None:
        return None
    here = Availability(
        id=getattr(product, "here_id"),  # noqa: B009 -- annotations unknown to the type
        product=product,
        location=location,
        is_available=True,
        stock=getattr(product, "here_stock"),  # noqa: B009
    )
    here._state.adding, here._state.db = False, product._state.db
    setattr(product, "here", [here])  # noqa: B010 -- as the prefetch's to_attr sets it
    return product


def products_for_staff(member: TeamMember) -> QuerySet[Product]:
    """Every product, with the availabilities of the locations ``member`` works at."""
    availabilities = Availability.objects.select_related("location").order_by("location__position")
    allowed = visible_location_ids(member)
    if allowed is not None:
        availabilities = availabilities.filter(location_id__in=allowed)
    return (
        Product.objects.select_related("category")
        .prefetch_related(
            Prefetch("availabilities", queryset=availabilities, to_attr="visible_availabilities")
        )
        .order_by("category__position", "category_id", "position", "id")
    )


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def search_products_for_staff(
    member: TeamMember, *, search: str = "", category_id: int | None = None
) -> QuerySet[Product]:
    """The dashboard's product list: by name (either language) or SKU, and category."""
    products = products_for_staff(member)
    search = search.strip()
    if search:
        products = products.filter(
            Q(name_fr__icontains=search) | Q(name_en__icontains=search) | Q(sku__icontains=search)
        )
    if category_id:
        products = products.filter(category_id=category_id)
    return products


def product_for_staff(product_id: int) -> Product:
    product = Product.objects.select_related("category").filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("This product does not exist (any more)."))
    return product


def category_for_staff(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("This category does not exist (any more)."))
    return category


def categories_with_counts() -> QuerySet[Category]:
    return Category.objects.annotate(product_count=Count("products"))


def locations_for_staff(member: TeamMember) -> list[Location]:
    """Every location ``member`` works at, in the shop's order (closed ones too: their
    catalog can be prepared before they open)."""
    allowed = visible_location_ids(member)
    locations = Location.objects.order_by("position", "name")
    if allowed is not None:
        locations = locations.filter(pk__in=allowed)
    return list(locations)


def location_for_staff(member: TeamMember, location_id: int | str | None) -> Location:
    """The location named in a request; PermissionDenied when ``member`` does not work
    there, NotFound when there is none."""
    try:
        location = Location.objects.filter(pk=int(location_id or 0)).first()
    except (TypeError, ValueError):
        location = None
    if location is None:
        raise NotFound(_("This location does not exist (any more)."))
    require_location(member, location)
    return location


def availabilities_by_location(
    product: Product, locations: list[Location]
) -> dict[int, Availability]:
    rows = Availability.objects.filter(product=product, location__in=locations)
    return {availability.location_id: availability for availability in rows}
