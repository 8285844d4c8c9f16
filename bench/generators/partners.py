"""The bench partner the ``partner_webhook`` scenario posts as: one partner at the first
location, with a known secret (as the owner's password is known) and item mappings to
that location's products whose stock is not counted (so a long run never sells out).

Its items are ``bench-item-<n>`` for n below ``ITEMS``: the scenario's requests name
them without reading the database."""

from __future__ import annotations

from bench.bulk import insert
from bench.generate import register
from comptoir.catalog.models import Product
from comptoir.partners.models import Partner, PartnerItem
from comptoir.shop.models import Location

PARTNER_SLUG = "bench-partner"
PARTNER_SECRET = "whsec_bench_partner_0123456789abcdef"
ITEMS = 20


def item_id(number: int) -> str:
    return f"bench-item-{number % ITEMS}"


@register("partners", fills=("partners.Partner", "partners.PartnerItem"), after=("catalog",))
def fill(scale: float, using: str) -> dict[str, int]:
    first = Location.objects.using(using).order_by("position", "id").first()
    if first is None:
        return {"partners": 0, "partner items": 0}
    partner = Partner.objects.using(using).create(
        name="Bench partner",
        slug=PARTNER_SLUG,
        secret=PARTNER_SECRET,
        location=first,
        supports_delay=True,
    )
    products = list(
        Product.objects.using(using)
        .filter(
            is_active=True,
            availabilities__location=first,
            availabilities__is_available=True,
            availabilities__stock__isnull=True,
        )
        .order_by("id")
        .values_list("id", flat=True)[:ITEMS]
    )
    if not products:
        return {"partners": 1, "partner items": 0}
    count = insert(
        PartnerItem,
        (
            PartnerItem(
                partner=partner, external_id=item_id(n), product_id=products[n % len(products)]
            )
            for n in range(ITEMS)
        ),
        using=using,
        total=ITEMS,
        desc="partner items",
    )
    return {"partners": 1, "partner items": count}
