"""Reads of the catalog, for the storefront and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from comptoir.catalog.models import Availability, Category, Product
from comptoir.shop.models import Location
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember


@dataclass(frozen=True)
class Shelf:
    """One category with the products a location sells, for the storefront."""

    category: Category
    products: list[Product]


def sellable_products(location: Location) -> QuerySet[Product]:
    return (
        Product.objects.filter(
            is_active=True,
            availabilities__location=location,
            availabilities__is_available=True,
        )
        .select_related("category")
        .prefetch_related(
            Prefetch("availabilities", queryset=Availability.objects.filter(location=location),
                     to_attr="here")
        )
    )


def storefront_shelves(location: Location) -> list[Shelf]:
    """Categories in order, each with the active products sold at ``location``."""
    shelves: dict[int, Shelf] = {}
    for product in sellable_products(location).order_by("category__position", "category_id",
                                                         "position", "id"):
        shelf = shelves.setdefault(product.category_id, Shelf(product.category, []))
        shelf.products.append(product)
    return list(shelves.values())


def storefront_product(slug: str, location: Location) -> Product | None:
    return sellable_products(location).filter(slug=slug).first()


def products_for_staff(member: TeamMember) -> QuerySet[Product]:
    """Every product, with the availabilities of the locations ``member`` works at."""
    availabilities = Availability.objects.select_related("location").order_by("location__position")
    allowed = visible_location_ids(member)
    if allowed is not None:
        availabilities = availabilities.filter(location_id__in=allowed)
    return (
        Product.objects.select_related("category")
        .prefetch_related(Prefetch("availabilities", queryset=availabilities, to_attr="visible_availabilities"))
        .order_by("category__position", "category_id", "position", "id")
    )


def categories() -> QuerySet[Category]:
    return Category.objects.all()
