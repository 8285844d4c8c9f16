"""Categories, products named in French and English, and their availability and stock
at every location. 30,000 products at the target scale (300 at ``small``)."""

from __future__ import annotations

import random
from collections.abc import Iterator

from bench.bulk import insert, insert_values
from bench.generate import register
from comptoir.catalog.models import Availability, Category, Product
from comptoir.shop.models import Location

PRODUCTS_AT_FULL_SCALE = 30_000
PRODUCTS_PER_CATEGORY = 25

# (French, English) pairs combined into plausible cafe and bakery names.
KINDS = [
    ("Croissant", "Croissant"),
    ("Pain", "Bread"),
    ("Tarte", "Tart"),
    ("Brioche", "Brioche"),
    ("Café", "Coffee"),
    ("Thé", "Tea"),
    ("Cookie", "Cookie"),
    ("Éclair", "Eclair"),
    ("Sandwich", "Sandwich"),
    ("Quiche", "Quiche"),
    ("Salade", "Salad"),
    ("Gâteau", "Cake"),
    ("Chausson", "Turnover"),
    ("Financier", "Financier"),
    ("Jus", "Juice"),
    ("Soupe", "Soup"),
]
FLAVOURS = [
    ("au chocolat", "chocolate"),
    ("aux amandes", "almond"),
    ("au citron", "lemon"),
    ("aux pommes", "apple"),
    ("à la vanille", "vanilla"),
    ("aux noisettes", "hazelnut"),
    ("au sésame", "sesame"),
    ("aux fraises", "strawberry"),
    ("au caramel", "caramel"),
    ("aux légumes", "vegetable"),
    ("au fromage", "cheese"),
    ("nature", "plain"),
]
SHELVES = [
    ("Viennoiseries", "Pastries"),
    ("Pains", "Breads"),
    ("Boissons", "Drinks"),
    ("Pâtisseries", "Cakes"),
    ("Salé", "Savoury"),
    ("Goûter", "Snacks"),
]


def product_count(scale: float) -> int:
    return max(30, round(PRODUCTS_AT_FULL_SCALE * scale))


@register(
    "catalog",
    fills=("catalog.Category", "catalog.Product", "catalog.Availability"),
    after=("shop",),
)
def fill(scale: float, using: str) -> dict[str, int]:
    rng = random.Random(f"catalog-{scale}")
    products = product_count(scale)
    categories = max(4, products // PRODUCTS_PER_CATEGORY)
    insert(
        Category,
        (
            Category(
                name_fr=f"{SHELVES[i % len(SHELVES)][0]} {i // len(SHELVES) + 1}",
                name_en=f"{SHELVES[i % len(SHELVES)][1]} {i // len(SHELVES) + 1}",
                slug=f"bench-category-{i + 1}",
                position=i,
            )
            for i in range(categories)
        ),
        using=using,
        total=categories,
        desc="categories",
    )
    category_ids = list(Category.objects.using(using).order_by("id").values_list("id", flat=True))
    insert(
        Product,
        _products(rng, products, category_ids),
        using=using,
        total=products,
        desc="products",
    )

    location_ids = list(
        Location.objects.using(using).order_by("position", "id").values_list("id", flat=True)
    )
    # Read into a list first: no other query may run on the connection during a COPY.
    product_ids = list(Product.objects.using(using).order_by("id").values_list("id", flat=True))
    total = products * len(location_ids)
    availabilities = insert_values(
        Availability,
        ("product_id", "location_id", "is_available", "stock"),
        _availabilities(rng, product_ids, location_ids),
        using=using,
        total=total,
        desc="availabilities",
    )
    return {"categories": categories, "products": products, "availabilities": availabilities}


def _products(rng: random.Random, count: int, category_ids: list[int]) -> Iterator[Product]:
    for i in range(count):
        kind_fr, kind_en = KINDS[i % len(KINDS)]
        flavour_fr, flavour_en = FLAVOURS[(i // len(KINDS)) % len(FLAVOURS)]
        number = i // (len(KINDS) * len(FLAVOURS)) + 1
        yield Product(
            category_id=category_ids[i * len(category_ids) // count],
            name_fr=f"{kind_fr} {flavour_fr} n°{number}",
            name_en=f"{flavour_en.capitalize()} {kind_en.lower()} no. {number}",
            description_fr=f"{kind_fr} {flavour_fr}, fait maison chaque matin.",
            description_en=f"Home-made {flavour_en} {kind_en.lower()}, baked every morning.",
            slug=f"bench-product-{i + 1}",
            sku=f"BENCH-{i + 1:07d}",
            price=rng.randrange(120, 4_500, 10),
            is_active=rng.random() < 0.97,
            position=i % PRODUCTS_PER_CATEGORY,
        )


def _availabilities(
    rng: random.Random, product_ids: list[int], location_ids: list[int]
) -> Iterator[tuple]:
    for product_id in product_ids:
        for rank, location_id in enumerate(location_ids):
            # Most products are sold everywhere; about a third count their stock.
            yield (
                product_id,
                location_id,
                rng.random() < (0.95 if rank == 0 else 0.8),
                rng.randrange(0, 120) if rng.random() < 0.35 else None,
            )
