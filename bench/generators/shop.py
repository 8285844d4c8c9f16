"""The shop (both languages published, so FR and EN pages can be measured) and its
locations with opening hours."""

from __future__ import annotations

import datetime

from bench.bulk import insert
from bench.generate import register
from comptoir.shop.models import FulfilmentType, Location, OpeningHours, Shop

CITIES = [
    "Lyon",
    "Paris",
    "Nantes",
    "Lille",
    "Bordeaux",
    "Rennes",
    "Dijon",
    "Grenoble",
    "Toulouse",
    "Strasbourg",
    "Marseille",
    "Montpellier",
]


def location_count(scale: float) -> int:
    return 2 if scale < 0.05 else 3 if scale < 0.5 else 6


@register("shop", fills=("shop.Location", "shop.OpeningHours"))
def fill(scale: float, using: str) -> dict[str, int]:
    Shop.objects.using(using).update_or_create(
        pk=Shop.SINGLETON_PK,
        defaults={
            "name": "Comptoir bench",
            "published_language": "fr",
            "publishes_both_languages": True,
            "currency": "EUR",
        },
    )
    count = location_count(scale)
    insert(
        Location,
        (
            Location(
                name=f"Comptoir {CITIES[i % len(CITIES)]}",
                slug=f"bench-{i + 1}",
                address_line1=f"{i + 1} rue de la Paix",
                postal_code="69001",
                city=CITIES[i % len(CITIES)],
                position=i,
                fulfilment_types=[FulfilmentType.PICKUP.value, FulfilmentType.DELIVERY.value],
            )
            for i in range(count)
        ),
        using=using,
        total=count,
        desc="locations",
    )
    location_ids = list(Location.objects.using(using).order_by("id").values_list("id", flat=True))
    hours = [
        OpeningHours(location_id=location_id, weekday=day, opens_at=span[0], closes_at=span[1])
        for location_id in location_ids
        for day in range(6)  # closed on Sundays
        for span in (
            (datetime.time(7), datetime.time(12, 30)),
            (datetime.time(14), datetime.time(19)),
        )
    ]
    insert(OpeningHours, hours, using=using, total=len(hours), desc="opening hours")
    return {"locations": count, "opening hours": len(hours)}
