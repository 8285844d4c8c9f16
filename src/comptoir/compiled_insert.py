"""Inserting one model object with an INSERT compiled once per process.

``Model.save()`` / ``objects.create()`` builds an ``InsertQuery`` and compiles it at
every call: for the rows every order placing writes (the order, its payment, its
fulfilment, the customer record...) that is most of their Python (about 0.4 ms each on
the bench machine). ``insert(obj)`` sends the same statement, written once per model
and database alias, with the values Django's own insert would send: each field's
``pre_save(obj, add=True)`` (``auto_now`` / ``auto_now_add``) then
``get_db_prep_save``. The primary key comes back as ``save()`` sets it. As
``jobs.dispatch`` does for task rows. A model this does not fit (save signal
receivers, which this would not send; database defaults; no auto primary key;
inheritance) is saved by ``save(force_insert=True)`` instead."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, signals

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: tuple[Any, ...]
    returning: bool  # the statement returns the new primary key


_compiled: dict[tuple[type[Model], str], _Insert | None] = {}  # None: saved by save()
_lock = threading.Lock()


def _compile(model: type[Model], alias: str) -> _Insert | None:
    meta = model._meta
    connection = connections[alias]
    auto = meta.auto_field
    if (
        auto is None
        or meta.pk is not auto
        or meta.parents
        or meta.order_with_respect_to is not None
        or any(signal.has_listeners(model) for signal in (signals.pre_save, signals.post_save))
    ):
        return None
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
    else:  # only the key (a sequence of numbers): written as Django writes it
        columns, values = quote(str(auto.column)), connection.ops.pk_default_value()
    # Only identifiers from the model, quoted; the values go as parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
    returning = bool(connection.features.can_return_columns_from_insert)
    if returning:
        # Present on the backends that can return columns (PostgreSQL, SQLite).
        clause, _params = connection.ops.return_insert_columns([auto])  # type: ignore[attr-defined]
        sql = f"{sql} {clause}"
    return _Insert(sql=sql, fields=fields, returning=returning)


def insert(obj: M, using: str = "default") -> M:
    """Insert ``obj`` (a new object) as ``obj.save(force_insert=True)`` would, and set
    its primary key. A database error (a unique constraint) propagates as from
    ``save()``; call it inside the caller's transaction or savepoint as ``save()``."""
    model = type(obj)
    key = (model, using)
    if key not in _compiled:
        with _lock:
            if key not in _compiled:
                _compiled[key] = _compile(model, using)
    compiled = _compiled[key]
    if compiled is None:
        obj.save(force_insert=True, using=using)
        return obj
    connection = connections[using]
    auto_column = model._meta.pk.column if model._meta.pk else "id"
    # Django's own check before a save (an unsaved related object refused, its id taken).
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection) for field in compiled.fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, values)
        if compiled.returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, str(auto_column))
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj
