"""The yardsticks for the order-placing request and the whole guest checkout: bare Django
views that run the same SQL statements as the real requests, without the product's Python
around them (forms, cart, gateway, services, templates). Bench only: the bench server
loads them through ``bench.server_settings``; the product never imports this module.

1. ``CaptureMiddleware`` (outermost) records every statement of a request that carries
   the ``X-Bench-Capture`` header, whose value names the step (``placement``, ``add-1``...):
   SQL, parameters, whether it ran inside a transaction, and for each INSERT the ids it
   produced. ``bench.flows`` sends the real requests with that header once, before
   measuring: the placing POST alone, or each of the checkout's seven requests.
2. ``bare_place`` replays the ``placement`` step's statements, with the same transaction
   boundaries, in every request. Values that must be new for each order (everything
   written to a unique column: order number, idempotency keys, payment references, a
   new guest's email) get fresh values, consistently across statements; ids produced by
   the replay's own INSERTs replace the captured ones where a statement refers to them
   (a parameter bound to an ``id`` or ``*_id`` column). Everything else is bound as
   captured, so the database does the same work.
3. ``bare_flow_step`` replays one step of the checkout and hands back what the replay
   made (``Carry``: the fresh values and the new ids), which the bench client sends
   with the next step: the second add finds the cart the first made, the placing the
   card token, the confirmation page the order.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from bench.flows import PLACEMENT

CAPTURE_HEADER = "HTTP_X_BENCH_CAPTURE"
# The folder the captured steps are written to, one file each (``<step>.pickle``).
CAPTURE_DIR_ENV = "BENCH_CAPTURE_DIR"
STEP = re.compile(r"^[a-z][a-z0-9-]{0,31}$")

INSERT = re.compile(
    r'^INSERT INTO "(?P<table>\w+)" \((?P<columns>[^)]*)\) (?:VALUES|SELECT) .*?'
    r'(?: RETURNING "\w+"\."(?P<returning>\w+)")?$',
    re.S,
)
PLACEHOLDER = re.compile(r"%s")
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK)\b(?!\s+TO)", re.I)
IDENTIFIER = re.compile(r'"(\w+)"')


@dataclass
class Statement:
    sql: str
    params: tuple | None
    many: bool
    atomic: bool
    table: str = ""  # for an INSERT
    produced: list[int] = field(default_factory=list)  # ids an INSERT produced


# --- capture ------------------------------------------------------------------------


class CaptureMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = request.META.get(CAPTURE_HEADER, "")
        target = step_file(step)
        if target is None:
            return self.get_response(request)
        recorded: list[Statement] = []
        with connection.execute_wrapper(_Recorder(recorded)):
            response = self.get_response(request)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pickle.dumps(recorded))
        response["X-Bench-Captured"] = str(len(recorded))
        return response


def step_file(step: str) -> Path | None:
    """Where step ``step`` is captured: None when it is no step name or the server
    captures nothing (no folder configured)."""
    folder = os.environ.get(CAPTURE_DIR_ENV, "")
    if not folder or not STEP.match(step):
        return None
    return Path(folder) / f"{step}.pickle"


class _Recorder:
    def __init__(self, recorded: list[Statement]) -> None:
        self.recorded = recorded
        self.busy = False

    def __call__(self, execute, sql, params, many, context):
        if self.busy or TRANSACTION_CONTROL.match(sql):
            # Our own id look-up below; BEGIN/COMMIT (SQLite sends them as statements):
            # the replay opens its transactions with transaction.atomic() as the view did.
            return execute(sql, params, many, context)
        if many:
            params = [tuple(row) for row in params]  # may be an iterator: read it once
        statement = Statement(
            sql=sql,
            params=tuple(params) if params is not None else None,
            many=many,
            atomic=context["connection"].in_atomic_block,
        )
        result = execute(sql, params, many, context)
        match = INSERT.match(sql.strip())
        if match and match.group("returning"):
            # The ids this INSERT produced: the newest ones of its table (nothing else
            # writes while the single capture request runs).
            rows = _row_count(params, len(_columns(match)))
            self.busy = True
            try:
                with context["connection"].cursor() as cursor:
                    column, table = match.group("returning"), match.group("table")
                    # Names from our own SQL, not from a visitor.
                    query = f'SELECT "{column}" FROM "{table}" ORDER BY "{column}" DESC LIMIT %s'  # noqa: S608
                    cursor.execute(query, [rows])
                    statement.produced = sorted(row[0] for row in cursor.fetchall())
            finally:
                self.busy = False
        if match:
            statement.table = match.group("table")
        self.recorded.append(statement)
        return result


def _row_count(params: Any, columns: int) -> int:
    """Rows an INSERT writes: one array per column for PostgreSQL's bulk form
    (``SELECT * FROM UNNEST(%s::integer[], ...)``), else one value per column and row."""
    if not params:
        return 1
    if isinstance(params[0], list | tuple):
        return len(params[0])
    return max(1, len(params) // max(1, columns))


def _columns(match: re.Match) -> list[str]:
    return IDENTIFIER.findall(match.group("columns"))


# --- replay -------------------------------------------------------------------------


@dataclass
class Script:
    statements: list[Statement]
    unique_values: set[str | uuid.UUID]  # values that must be fresh in every replay
    # Per statement, per parameter: the table whose id the parameter holds, or "".
    id_tables: list[list[str]]
    # The shopper's session row the placement read and wrote, and copies of it: each
    # replay takes one at random, as each real shopper has their own session (one row
    # for all would queue every replay on its lock).
    session_key: str = ""
    session_pool: list[str] = field(default_factory=list)


SESSION_POOL = 256


_scripts: dict[str, Script] = {}
_script_lock = threading.Lock()


def load_script(path: Path) -> Script:
    # Written by this bench's own server (CaptureMiddleware) into its data folder.
    statements: list[Statement] = pickle.loads(path.read_bytes())  # noqa: S301
    unique_values: set[str | uuid.UUID] = set()
    id_tables = []
    for statement in statements:
        columns = _parameter_columns(statement)
        id_tables.append([_referenced_table(table, column) for table, column in columns])
        if statement.table and statement.params:
            unique = _unique_columns(statement.table)
            for (_, column), value in zip(columns, statement.params, strict=False):
                if column not in unique:
                    continue
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str | uuid.UUID) and item:
                        unique_values.add(item)
    script = Script(statements, unique_values, id_tables)
    script.session_key = next(
        (
            value
            for statement, columns in zip(
                statements, map(_parameter_columns, statements), strict=True
            )
            for (table, column), value in zip(columns, statement.params or (), strict=False)
            if table == "django_session" and column == "session_key" and isinstance(value, str)
        ),
        "",
    )
    return script


def make_session_pool(script: Script) -> None:
    """Copies of the captured session row under other keys (once per server process)."""
    if not script.session_key:
        return
    pool = [f"{script.session_key[:-8]}{n:08d}" for n in range(SESSION_POOL)]
    with connection.cursor() as cursor:
        for key in pool:
            cursor.execute(
                "INSERT INTO django_session (session_key, session_data, expire_date) "
                "SELECT %s, session_data, expire_date FROM django_session "
                "WHERE session_key = %s ON CONFLICT DO NOTHING",
                [key, script.session_key],
            )
    script.session_pool = pool


QUALIFIED = re.compile(r'(?:"(\w+)"\.)?"(\w+)"')


def _parameter_columns(statement: Statement) -> list[tuple[str, str]]:
    """(table, column) each parameter is bound to, as far as the SQL says."""
    if statement.params is None or statement.many:
        return []
    match = INSERT.match(statement.sql.strip())
    if match:
        columns = _columns(match)
        table = match.group("table")
        return [(table, columns[n % len(columns)]) for n in range(len(statement.params))]
    found = []
    for placeholder in PLACEHOLDER.finditer(statement.sql):
        before = QUALIFIED.findall(statement.sql[: placeholder.start()])
        found.append(before[-1] if before else ("", ""))
    return found


def _model(table: str) -> Any:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            return model
    return None


def _referenced_table(table: str, column: str) -> str:
    """The table whose primary key ``table.column`` holds ("" when not an id)."""
    model = _model(table) if table else None
    if model is None:
        return ""
    for f in model._meta.concrete_fields:
        if f.column != column:
            continue
        if f.primary_key and not f.is_relation:
            return table
        if f.is_relation and f.related_model is not None:
            return f.related_model._meta.db_table
    return ""


def _unique_columns(table: str) -> set[str]:
    """Columns to give fresh values: unique fields (a text primary key given by the
    application, such as a task's UUID, included), unique constraints, and the email
    behind a functional one (lower(email))."""
    model = _model(table)
    if model is None:
        return set()
    unique = {
        f.column
        for f in model._meta.concrete_fields
        if f.unique and not (f.primary_key and f is model._meta.auto_field)
    }
    for constraint in model._meta.constraints:
        # A composite key is scoped by its first field (gateway, reference): the others
        # get fresh values, which keeps the whole key unique.
        fields = getattr(constraint, "fields", ())
        unique.update(model._meta.get_field(name).column for name in fields[1:] or fields)
        if getattr(constraint, "expressions", ()):
            unique.update(f.column for f in model._meta.concrete_fields if "email" in f.name)
    return unique


def _fresh(value: str | uuid.UUID) -> str | uuid.UUID:
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if "@" in value:
        return f"bare-{secrets.token_hex(6)}@{value.rsplit('@', 1)[1]}"
    return value[: max(0, len(value) - 12)] + secrets.token_hex(6)


@dataclass
class Carry:
    """What the replays of one unit made so far, for its next step: fresh values by the
    captured ones, and (table, captured id) -> id made by the replay."""

    fresh: dict[str | uuid.UUID, str | uuid.UUID] = field(default_factory=dict)
    ids: dict[tuple[str, int], int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "fresh": [
                ["u" if isinstance(old, uuid.UUID) else "s", str(old), str(new)]
                for old, new in self.fresh.items()
            ],
            "ids": [[table, old, new] for (table, old), new in self.ids.items()],
        }

    @classmethod
    def from_json(cls, data: dict) -> Carry:
        def value(kind: str, text: str) -> str | uuid.UUID:
            return uuid.UUID(text) if kind == "u" else text

        return cls(
            {value(kind, old): value(kind, new) for kind, old, new in data.get("fresh", [])},
            {(str(table), int(old)): int(new) for table, old, new in data.get("ids", [])},
        )


def replay(script: Script, carry: Carry | None = None) -> int:
    """Run the captured statements once with fresh unique values; return how many.
    ``carry`` (a unit's earlier steps) is read and added to."""
    carry = carry if carry is not None else Carry()
    fresh, ids = carry.fresh, carry.ids
    if script.session_pool and script.session_key not in fresh:
        fresh[script.session_key] = random.choice(script.session_pool)

    def bind(statement: Statement, index: int) -> Any:
        params = statement.params
        if params is None or statement.many:
            return params
        tables = script.id_tables[index]
        bound = []
        for n, value in enumerate(params):
            table = tables[n] if n < len(tables) else ""
            if isinstance(value, list):  # a column of PostgreSQL's bulk INSERT
                bound.append([swap(item, table) for item in value])
            else:
                bound.append(swap(value, table))
        return bound

    def swap(value: Any, table: str) -> Any:
        if isinstance(value, str | uuid.UUID) and value in fresh:
            return fresh[value]
        if isinstance(value, str | uuid.UUID) and value in script.unique_values:
            return fresh.setdefault(value, _fresh(value))
        if type(value) is int and (table, value) in ids:
            return ids[table, value]
        return value

    def run(statement: Statement, index: int) -> None:
        with connection.cursor() as cursor:
            if statement.many:
                cursor.executemany(statement.sql, statement.params)
                return
            cursor.execute(statement.sql, bind(statement, index))
            if statement.produced:
                new = sorted(row[0] for row in cursor.fetchall())
                for captured, made in zip(statement.produced, new, strict=False):
                    ids[statement.table, captured] = made

    statements = script.statements
    index = 0
    while index < len(statements):
        if statements[index].atomic:
            with transaction.atomic():
                while index < len(statements) and statements[index].atomic:
                    run(statements[index], index)
                    index += 1
        else:
            run(statements[index], index)
            index += 1
    return len(statements)


def _script_for(step: str) -> Script | None:
    """The captured step's script, loaded once per server process (None: not captured)."""
    script = _scripts.get(step)
    if script is not None:
        return script
    path = step_file(step)
    with _script_lock:
        if step not in _scripts:
            if path is None or not path.is_file():
                return None
            script = load_script(path)
            make_session_pool(script)
            _scripts[step] = script
    return _scripts[step]


def bare_place(request: HttpRequest) -> HttpResponse:
    script = _script_for(PLACEMENT)
    if script is None:
        return JsonResponse({"error": "no placement captured yet"}, status=503)
    count = replay(script)
    return JsonResponse({"statements": count})


def bare_flow_step(request: HttpRequest, step: str) -> HttpResponse:
    """One step of the bare checkout: its captured statements, continuing the unit whose
    ``Carry`` the request's JSON body holds; answers with the carry to send next."""
    script = _script_for(step)
    if script is None:
        return JsonResponse({"error": f"step {step!r} not captured yet"}, status=503)
    carry = Carry.from_json(json.loads(request.body or b"{}"))
    count = replay(script, carry)
    return JsonResponse({"statements": count, "carry": carry.to_json()})
