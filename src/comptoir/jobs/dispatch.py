"""The one way services hand work to the background: after the transaction commits, or
(``enqueued_together``, the database backend) with it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits.

    Nothing is enqueued if it rolls back, and the task never starts before the rows it
    reads are visible to the worker. Outside a transaction it is enqueued at once.
    Pass ids, not model instances: the task re-reads what it needs."""
    # robust: a failure to enqueue is logged, it must not turn a committed request into a 500.
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs), robust=True)


def deferred(task: Task, run_after: datetime | None) -> Task:
    """``task`` set to start at ``run_after`` when its backend can wait (the database
    backend the worker reads); unchanged when ``run_after`` is None or the backend cannot
    defer (the immediate backend of some tests, which runs it at once)."""
    if run_after is None or not task.get_backend().supports_defer:
        return task
    return task.using(run_after=run_after)


_together = threading.local()


@contextmanager
def enqueued_together() -> Iterator[None]:
    """Within it (and a transaction), the tasks ``enqueue_with_transaction`` is given
    with django-tasks' database backend are inserted at its end, in one statement
    written once per process, in the caller's transaction: they commit with its rows or
    not at all, so the worker never sees them first and none is lost; no commit of
    their own, no ORM insert each (placing an order: its receipt, new-order alert and
    acceptance reminder). Nested uses add to the outer one; nothing is inserted if it
    exits with an exception (the transaction is rolling back)."""
    if getattr(_together, "rows", None) is not None:
        yield
        return
    rows: list[tuple[BaseDatabaseWrapper, DatabaseBackend, Any]] = []
    _together.rows = rows
    try:
        yield
    finally:
        _together.rows = None
    by_connection: dict[str, list[tuple[DatabaseBackend, Any]]] = {}
    for connection, backend, row in rows:
        by_connection.setdefault(connection.alias, []).append((backend, row))
    for alias, kept in by_connection.items():
        _insert_task_rows(connections[alias], kept)


def enqueue_with_transaction(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` with the current transaction inside
    ``enqueued_together()`` when its backend is django-tasks' database backend (the row
    commits with the caller's). Otherwise (outside that block or a transaction, or any
    other backend: the immediate backend of tests would run it at once) exactly
    ``enqueue_after_commit``."""
    batch = getattr(_together, "rows", None)
    backend = task.get_backend()
    if (
        batch is None
        or not isinstance(backend, DatabaseBackend)
        or not _is_database_backend(backend)
    ):
        enqueue_after_commit(task, *args, **kwargs)
        return
    from django_tasks_db.models import DBTaskResult, get_date_max

    connection = connections[router.db_for_write(DBTaskResult)]
    if not connection.in_atomic_block:
        enqueue_after_commit(task, *args, **kwargs)
        return
    backend.validate_task(task)
    # The row DatabaseBackend.enqueue creates through the ORM (run_after as the
    # library's pre_save handler sets it: "whenever" is the latest date).
    row: Any = DBTaskResult(
        id=backend._get_id(),  # its id_function, uuid4 by default
        args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=get_date_max() if task.run_after is None else task.run_after,
        backend_name=backend.alias,
    )
    batch.append((connection, backend, row))


def _is_database_backend(backend: object) -> bool:
    """django-tasks' database backend itself (a subclass may enqueue otherwise)."""
    return type(backend) is DatabaseBackend


def _insert_task_rows(
    connection: BaseDatabaseWrapper, rows: list[tuple[DatabaseBackend, Any]]
) -> None:
    sql, fields = _task_row_insert(connection)
    values = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for _backend, row in rows
        for field in fields
    ]
    if len(rows) > 1:
        placeholders = sql[sql.rindex(" VALUES ") + len(" VALUES ") :]
        sql = f"{sql}, {', '.join([placeholders] * (len(rows) - 1))}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
    for backend, row in rows:
        row._state.adding = False
        row._state.db = connection.alias
        task_enqueued.send(type(backend), task_result=row.task_result)


_TASK_ROW_INSERTS: dict[str, tuple[str, tuple[Field[Any, Any], ...]]] = {}


def _task_row_insert(
    connection: BaseDatabaseWrapper,
) -> tuple[str, tuple[Field[Any, Any], ...]]:
    """``INSERT INTO <task table> (<every column>) VALUES (%s, ...)`` for this vendor,
    and the fields in the columns' order."""
    insert = _TASK_ROW_INSERTS.get(connection.vendor)
    if insert is None:
        from django_tasks_db.models import DBTaskResult

        fields = tuple(DBTaskResult._meta.concrete_fields)
        quote = connection.ops.quote_name
        # Quoted names of the model's own table and columns; the values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(str(DBTaskResult._meta.db_table)),
            ", ".join(quote(str(field.column)) for field in fields),
            ", ".join(["%s"] * len(fields)),
        )
        insert = _TASK_ROW_INSERTS[connection.vendor] = (sql, fields)
    return insert
