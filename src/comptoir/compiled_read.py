"""A read of at most one row that every request makes (the shop, the signed-in team
member, the shopper's customer record), with its SQL compiled once per process.

Django compiles a queryset's SQL each time it is evaluated: for these one-row reads
that is most of their cost (on the bench machine a ``Shop.objects.get(pk=1)`` takes
about 1 ms, 0.2 ms of it at the database; the same statement already compiled, 0.2 ms
in all). Here the queryset is compiled once per database alias, with a placeholder
value for the one parameter that changes (a user id...); each read sends that SQL with
the value of the moment and builds the objects with Django's own
``from_db``/``select_related`` populators. The row itself is read every time: nothing
is cached but the statement, so a change made by another process is seen at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable, get_related_populators

M = TypeVar("M", bound=Model)

# Stands for the read's parameter while compiling; no real id takes this value.
_PLACEHOLDER = -7_913_572_468_135


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    params: tuple[Any, ...]
    position: int | None  # where the parameter goes in ``params`` (None: no parameter)
    converters: dict[int, tuple[list[Callable[..., Any]], Any]]
    init_list: list[str]
    model_fields: slice
    populators: list[Any]


class CompiledRead(Generic[M]):
    """``CompiledRead(lambda key: Model.objects.filter(...=key))``, then ``.first(key)``:
    the queryset's first object (or None). ``build`` must use its argument once, as a
    plain parameter (a filter value), and must not depend on anything else that changes
    between calls; its queryset should ask for at most one row (a unique key)."""

    def __init__(
        self, build: Callable[[Any], QuerySet[M]], placeholder: Any = _PLACEHOLDER
    ) -> None:
        """``placeholder``: a value of the parameter's type that no row holds (an id by
        default; a string for a text key)."""
        self._build = build
        self._placeholder = placeholder
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._build(self._placeholder)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        positions = [index for index, value in enumerate(params) if value == self._placeholder]
        if len(positions) > 1 or str(self._placeholder) in sql:
            raise ValueError("CompiledRead: the parameter must be used once, as a value")
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None or compiler.annotation_col_map:
            raise ValueError("CompiledRead: only reads of model objects are supported")
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            model=klass_info["model"],
            sql=sql,
            params=tuple(params),
            position=positions[0] if positions else None,
            converters=compiler.get_converters([s[0] for s in select]),
            init_list=[column[0].target.attname for column in select[start:end]],
            model_fields=slice(start, end),
            # django-stubs describe a later Django (a fetch_mode argument); 5.2 takes three.
            populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
        )

    def first(self, value: Any, using: str = "default") -> M | None:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        params = list(compiled.params)
        if compiled.position is not None:
            params[compiled.position] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = _converted(row, compiled.converters, connection)
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.model_fields])
        for populator in compiled.populators:
            populator.populate(row, obj)
        return obj  # type: ignore[return-value]  # built by ``build``'s model


# Distinct compiled statements kept per CompiledValues (a key the caller's input can
# vary, such as a page's offset, must not grow a process without bound).
MAX_COMPILED_VALUES = 64


class CompiledValues:
    """The rows of a ``values_list()`` queryset as tuples, its SQL compiled once per
    process for each ``key``: ``CompiledValues(build, placeholders)``, then
    ``.rows(key, *values)``. ``build(key, *placeholders)`` makes the queryset; each
    placeholder (a value of its parameter's type that no row holds) stands for the value
    given in the same place, and may be used several times; what ``key`` changes
    (a slice's LIMIT and OFFSET, which Django writes into the SQL) is compiled apart."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], placeholders: tuple[Any, ...]):
        self._build = build
        self._placeholders = placeholders
        self._compiled: dict[tuple[str, Any], tuple[str, list[Any], list[int | None], Any]] = {}

    def _compile(self, alias: str, key: Any) -> tuple[str, list[Any], list[int | None], Any]:
        queryset = self._build(key, *self._placeholders)
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = [
            self._placeholders.index(value) if value in self._placeholders else None
            for value in params
        ]
        if any(str(placeholder) in sql for placeholder in self._placeholders):
            raise ValueError("CompiledValues: a placeholder was written into the SQL")
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = list(getattr(queryset, "_fields", None) or names)
        if queryset._iterable_class is not ValuesListIterable or fields != names:
            raise ValueError("CompiledValues: ask values_list() for its columns in query order")
        converters = compiler.get_converters([s[0] for s in compiler.select])
        return sql, list(params), slots, converters

    def rows(self, key: Any, *values: Any, using: str = "default") -> list[tuple[Any, ...]]:
        compiled = self._compiled.get((using, key))
        if compiled is None:
            compiled = self._compile(using, key)
            if len(self._compiled) < MAX_COMPILED_VALUES:
                self._compiled[(using, key)] = compiled
        sql, constant, slots, converters = compiled
        params = [
            constant[position] if slot is None else values[slot]
            for position, slot in enumerate(slots)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if not converters:
            return [tuple(row) for row in found]
        return [tuple(_converted(row, converters, connection)) for row in found]


def _converted(row: Sequence[Any], converters: dict[int, Any], connection: Any) -> list[Any]:
    """``row`` with Django's converters applied (the backend's and the fields', e.g.
    SQLite's text dates to aware datetimes), as the queryset's iterator would."""
    values = list(row)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return values
