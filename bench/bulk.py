"""Fast inserts for the generators: COPY on PostgreSQL, large bulk_create batches
elsewhere, streamed from an iterator so a million rows never sit in memory at once.

Generators yield unsaved model instances and stay vendor-agnostic; this module turns
them into rows the way Django's own insert would (``pre_save`` for auto_now fields,
``get_db_prep_save`` for JSON, foreign keys and dates). On PostgreSQL the rows are
produced while the COPY is open, so the iterator must not query the same database:
read the ids it needs into a list beforehand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

from django.core.management.color import no_style
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
    instance is built per row. A column left out gets its field's default, evaluated
    once (so a field added later with a default does not break a generator); give
    every column whose value must differ per row."""
    connection = connections[using]
    columns, rows = _with_defaults(model, columns, rows, connection)
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


def _with_defaults(
    model: type[M], columns: Sequence[str], rows: Iterable[Sequence], connection
) -> tuple[list[str], Iterable[Sequence]]:
    given = set(columns)
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in given
        and f is not model._meta.auto_field
        and (f.has_default() or not f.null)  # Django's own default: "" for text
    ]
    if not missing:
        return list(columns), rows
    extra = tuple(
        f.get_default()
        if connection.vendor != "postgresql"
        # COPY takes values as the database stores them (JSON as text...).
        else f.get_db_prep_save(f.get_default(), connection)
        for f in missing
    )
    return [*columns, *(f.attname for f in missing)], (tuple(row) + extra for row in rows)


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


def next_id(model: type[Model], using: str) -> int:
    """The first free primary key of ``model``: generators that write many related
    rows give ids themselves (no read-back of a million ids), then call
    ``reset_sequences`` so later inserts by the application continue after them."""
    from django.db.models import Max

    return (model._default_manager.using(using).aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(models: Sequence[type[Model]], *, using: str) -> None:
    """Move the id sequences of ``models`` past the ids given explicitly (PostgreSQL;
    SQLite's AUTOINCREMENT follows the highest id by itself)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


@contextmanager
def foreign_keys_checked_once(models: Sequence[type[Model]], *, using: str) -> Iterator[None]:
    """On PostgreSQL, drop the foreign keys of ``models``' tables while filling them and
    add them back at the end, as pg_restore does: one validating join per key instead
    of a trigger firing for each of millions of rows (the check is the same, and a
    broken reference still fails the generation). Elsewhere, nothing changes."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Keys are altered only without pending checks (rows written earlier in the same
        # transaction, as in a test): run those checks now, then defer again (Django's
        # foreign keys are DEFERRABLE INITIALLY DEFERRED).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
