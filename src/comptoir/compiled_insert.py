"""Inserting one model object with an INSERT compiled once per process.

``Model.save()`` / ``objects.create()`` builds an ``InsertQuery`` and compiles it at
every call: for the rows every order placing writes (the order, its payment, its
fulfilment, the customer record...) that is most of their Python (about 0.4 ms each on
the bench machine). ``insert(obj)`` sends the same statement, written once per model
and database alias, with the values Django's own insert would send: each field's
``pre_save(obj, add=True)`` (``auto_now`` / ``auto_now_add``) then
``get_db_prep_save``. The primary key comes back as ``save()`` sets it. As
``jobs.dispatch`` does for task rows. What this does not fit is saved by
``save(force_insert=True)`` instead: a model with save signal receivers at the time of
the call (this would not send the signals), database defaults, inheritance, or a key
neither automatic nor given. ``insert_many(objs)`` does the same for a few rows of one
model in one statement, as ``bulk_create``."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, signals

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: tuple[Any, ...]
    returning: bool  # the statement returns the new primary keys


# Per model, database alias and number of rows; None: written by save() / bulk_create().
_compiled: dict[tuple[type[Model], str, int], _Insert | None] = {}
_lock = threading.Lock()
MAX_ROWS = 12  # more rows in one call: bulk_create (each count is a statement kept)


def _compile(model: type[Model], alias: str, rows: int) -> _Insert | None:
    meta = model._meta
    connection = connections[alias]
    auto = meta.auto_field
    if (
        (auto is not None and meta.pk is not auto)
        or meta.parents
        or meta.order_with_respect_to is not None
    ):
        return None
    returning = auto is not None and bool(connection.features.can_return_columns_from_insert)
    if auto is not None and rows > 1 and not returning:
        return None  # the keys of several rows could not be read back
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if field is not auto and not getattr(field, "generated", False)
    )
    if any(field.has_db_default() for field in fields):
        return None
    quote = connection.ops.quote_name
    if fields:
        columns = ", ".join(quote(str(field.column)) for field in fields)
        values = ", ".join(["%s"] * len(fields))
    elif auto is not None:  # only the key (a sequence of numbers): written as Django does
        columns, values = quote(str(auto.column)), connection.ops.pk_default_value()
    else:
        return None
    # Only identifiers from the model, quoted; the values go as parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    sql += ", ".join([f"({values})"] * rows)
    if returning:
        # Present on the backends that can return columns (PostgreSQL, SQLite).
        clause, _params = connection.ops.return_insert_columns([auto])  # type: ignore[attr-defined]
        sql = f"{sql} {clause}"
    return _Insert(sql=sql, fields=fields, returning=returning)


def _compiled_for(model: type[Model], using: str, rows: int) -> _Insert | None:
    if _signalled(model):
        return None  # save() sends them: asked at each call, a receiver may come later
    key = (model, using, rows)
    if key not in _compiled:
        with _lock:
            if key not in _compiled:
                _compiled[key] = _compile(model, using, rows)
    return _compiled[key]


def _signalled(model: type[Model]) -> bool:
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


def insert(obj: M, using: str = "default") -> M:
    """Insert ``obj`` (a new object) as ``obj.save(force_insert=True)`` would, and set
    its primary key. A database error (a unique constraint) propagates as from
    ``save()``; call it inside the caller's transaction or savepoint as ``save()``."""
    compiled = _compiled_for(type(obj), using, 1)
    if compiled is None or (type(obj)._meta.auto_field is None and obj.pk is None):
        obj.save(force_insert=True, using=using)
        return obj
    _execute(compiled, [obj], using)
    return obj


def insert_many(objs: Sequence[M], using: str = "default") -> list[M]:
    """Insert the new objects ``objs`` of one model in one statement, as
    ``bulk_create(objs)`` would, and set their primary keys."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    compiled = _compiled_for(model, using, len(objs)) if len(objs) <= MAX_ROWS else None
    if (
        compiled is None
        or any(type(obj) is not model for obj in objs)
        or (model._meta.auto_field is None and any(obj.pk is None for obj in objs))
    ):
        return model._default_manager.using(using).bulk_create(objs)
    _execute(compiled, objs, using)
    return objs


def _execute(compiled: _Insert, objs: list[M], using: str) -> None:
    connection = connections[using]
    for obj in objs:
        # Django's own check before a save (an unsaved related object refused, its id taken).
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in compiled.fields
    ]
    meta = type(objs[0])._meta
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, values)
        if compiled.returning:
            # In the rows' order, as bulk_create relies on.
            for obj, row in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = row[0]
        elif meta.auto_field is not None:
            objs[0].pk = connection.ops.last_insert_id(
                cursor, meta.db_table, str(meta.auto_field.column)
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
