"""Demo tables for ``comptoir seed-demo``: the lead's seed calls ``seed_demo_tables``
for each location that offers table ordering."""

from __future__ import annotations

from comptoir.shop.models import Location
from comptoir.tables.models import Table

DEMO_LABELS = ("1", "2", "3", "4", "5", "6", "Terrasse 1", "Terrasse 2")


def seed_demo_tables(location: Location, labels: tuple[str, ...] = DEMO_LABELS) -> list[Table]:
    """The demo tables of ``location`` (idempotent: running the seed again adds none);
    their QR sheet is at Dashboard > Tables."""
    return [Table.objects.get_or_create(location=location, label=label)[0] for label in labels]
