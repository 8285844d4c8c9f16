"""The data generator registry.

Each app registers one generator: a function ``fill(scale, using)`` that fills the
database ``using`` at ``scale`` (a factor: 1.0 is the documented target scale, 200,000
customers and 1,000,000 orders once those apps exist) with bulk inserts, streaming rows
in batches through ``bench.bulk.insert``. A generator declares the models it fills and
the generators it needs first::

    @register("orders", fills=("orders.Order", "orders.OrderLine"), after=("customers", "catalog"))
    def fill(scale: float, using: str) -> dict[str, int]: ...

Generating refuses when a requested generator's tables already hold rows: the
generators write with COPY/bulk_create and never look rows up, so running one twice
would duplicate data or fail half-way on a unique key. Dependencies pulled in only
because another generator needs them are skipped when already filled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Scale names and their factors. ``large`` is the documented target scale.
SCALES: dict[str, float] = {"tiny": 0.001, "small": 0.01, "medium": 0.1, "large": 1.0}

Fill = Callable[[float, str], dict[str, int]]


@dataclass(frozen=True)
class Generator:
    name: str
    fill: Fill
    fills: tuple[str, ...]  # "app_label.Model" of every model it writes rows to
    after: tuple[str, ...] = field(default=())


GENERATORS: dict[str, Generator] = {}


class GenerationRefused(Exception):
    """The database already holds the data a generator would write."""


def register(
    name: str, *, fills: Iterable[str], after: Iterable[str] = ()
) -> Callable[[Fill], Fill]:
    def decorate(fill: Fill) -> Fill:
        if name in GENERATORS:
            raise ValueError(f"a bench generator named {name!r} is already registered")
        GENERATORS[name] = Generator(name, fill, tuple(fills), tuple(after))
        return fill

    return decorate


def scale_factor(scale: str | float) -> float:
    """``"small"`` -> 0.01; a number is taken as the factor itself."""
    if isinstance(scale, float | int):
        return float(scale)
    if scale in SCALES:
        return SCALES[scale]
    try:
        factor = float(scale)
    except ValueError:
        raise ValueError(
            f"unknown scale {scale!r}: use one of {', '.join(SCALES)} or a factor like 0.05"
        ) from None
    if factor <= 0:
        raise ValueError("the scale factor must be positive")
    return factor


def load_generators() -> dict[str, Generator]:
    import bench.generators  # noqa: F401  (each module registers itself on import)

    return GENERATORS


def plan(names: Iterable[str] | None = None) -> list[tuple[Generator, bool]]:
    """Generators to run in dependency order, each with whether it was asked for
    (True) or only pulled in as a dependency (False)."""
    registry = load_generators()
    wanted = list(names) if names else list(registry)
    unknown = [name for name in wanted if name not in registry]
    if unknown:
        raise ValueError(
            f"unknown generator(s) {', '.join(unknown)}: known are {', '.join(registry)}"
        )
    ordered: list[tuple[Generator, bool]] = []
    seen: set[str] = set()

    def visit(name: str, requested: bool, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"bench generators depend on each other in a cycle: {path}")
        if name in seen:
            return
        generator = registry[name]
        for dependency in generator.after:
            visit(dependency, dependency in wanted, (*path, name))
        seen.add(name)
        ordered.append((generator, requested))

    for name in wanted:
        visit(name, True, ())
    return ordered


def row_counts(generators: Iterable[Generator], using: str) -> dict[str, int]:
    from django.apps import apps

    counts = {}
    for generator in generators:
        for label in generator.fills:
            counts[label] = apps.get_model(label).objects.using(using).count()
    return counts


def generate(
    scale: str | float,
    *,
    using: str = "default",
    only: Iterable[str] | None = None,
    report: Callable[[str], None] = print,
) -> dict[str, int]:
    """Fill ``using`` at ``scale``; return the row count of every model filled.
    Raises GenerationRefused, before writing anything, when data is already there."""
    from django.db import transaction

    factor = scale_factor(scale)
    steps = plan(only)
    to_run = []
    for generator, requested in steps:
        existing = {label: n for label, n in row_counts([generator], using).items() if n}
        if not existing:
            to_run.append(generator)
        elif requested:
            found = ", ".join(f"{n} {label}" for label, n in existing.items())
            raise GenerationRefused(
                f"the database already holds data for the {generator.name!r} generator "
                f"({found}): bench generators fill an empty database only. "
                "Use a fresh database (or `bench run --reuse-data` to measure this one as it is)."
            )
        else:
            report(f"{generator.name}: already filled, kept as it is")
    for generator in to_run:
        started = time.monotonic()
        with transaction.atomic(using=using):
            written = generator.fill(factor, using)
        summary = ", ".join(f"{n} {what}" for what, n in written.items())
        report(f"{generator.name}: {summary} in {time.monotonic() - started:.1f} s")
    if to_run:
        _analyze(to_run, using)
    return row_counts([generator for generator, _ in steps], using)


def _analyze(generators: Iterable[Generator], using: str) -> None:
    """Vacuum the filled tables and refresh their planner statistics (PostgreSQL), as
    autovacuum does some time after a bulk load in a running shop: measuring right after
    the load must not depend on when it gets round to it. The vacuum marks the loaded
    pages all-visible (index-only scans then skip the table); ANALYZE alone left them
    unmarked when autovacuum had not run, e.g. after a restart reset its counters."""
    from django.apps import apps
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run in a transaction (a test's): ANALYZE alone there.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for generator in generators:
            for label in generator.fills:
                table = apps.get_model(label)._meta.db_table
                cursor.execute(f"{command} {connection.ops.quote_name(table)}")
