"""Fast inserts for the generators: COPY on PostgreSQL, large bulk_create batches
elsewhere, streamed from an iterator so a million rows never sit in memory at once.

Generators yield unsaved model instances and stay vendor-agnostic; this module turns
them into rows the way Django's own insert would (``pre_save`` for auto_now fields,
``get_db_prep_save`` for JSON, foreign keys and dates). On PostgreSQL the rows are
produced while the COPY is open, so the iterator must not query the same database:
read the ids it needs into a list beforehand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from django.db import connections
from django.db.models import Model
from tqdm import tqdm

M = TypeVar("M", bound=Model)

BATCH_SIZE = 5_000
SHOW_PROGRESS = True  # `--no-progress` turns the bars off (quiet logs, tests)


def batched(items: Iterable[M], size: int) -> Iterator[list[M]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def progress(total: int | None, desc: str) -> tqdm:
    return tqdm(
        total=total,
        desc=desc,
        unit=" rows",
        unit_scale=(total or 0) >= 10_000,
        mininterval=0.5,
        dynamic_ncols=True,
        disable=not SHOW_PROGRESS,
    )


def insert(
    model: type[M],
    rows: Iterable[M],
    *,
    using: str,
    total: int | None = None,
    desc: str | None = None,
) -> int:
    """Insert ``rows`` (unsaved instances of ``model``) into ``using``; return how many.
    Primary keys are left to the database: read them back afterwards if needed."""
    connection = connections[using]
    bar = progress(total, desc or model._meta.verbose_name_plural)
    try:
        if connection.vendor == "postgresql":
            return _copy(model, rows, using=using, bar=bar)
        count = 0
        for batch in batched(rows, BATCH_SIZE):
            model._default_manager.using(using).bulk_create(batch, batch_size=BATCH_SIZE)
            count += len(batch)
            bar.update(len(batch))
        return count
    finally:
        bar.close()


def insert_values(
    model: type[M],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    using: str,
    total: int | None = None,
    desc: str | None = None,
) -> int:
    """The fast path for the biggest tables (orders, lines...): ``rows`` are tuples of
    values for ``columns`` (attribute names such as ``product_id``), already as the
    database stores them (ints, text, booleans, aware datetimes, None), so no model
    instance is built per row. Defaults are not applied: give every NOT NULL column."""
    connection = connections[using]
    bar = progress(total, desc or model._meta.verbose_name_plural)
    try:
        if connection.vendor != "postgresql":
            instances = (model(**dict(zip(columns, row, strict=True))) for row in rows)
            count = 0
            for batch in batched(instances, BATCH_SIZE):
                model._default_manager.using(using).bulk_create(batch, batch_size=BATCH_SIZE)
                count += len(batch)
                bar.update(len(batch))
            return count
        names = ", ".join(
            connection.ops.quote_name(model._meta.get_field(name).column) for name in columns
        )
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
                if count % 10_000 == 0:
                    bar.update(10_000)
        bar.update(count % 10_000)
        return count
    finally:
        bar.close()


def _copy(model: type[M], rows: Iterable[M], *, using: str, bar: tqdm) -> int:
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    # cursor.cursor is the psycopg cursor under Django's wrapper: COPY has no Django API.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in rows:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            count += 1
            if count % 1_000 == 0:
                bar.update(1_000)
    bar.update(count % 1_000)
    return count
