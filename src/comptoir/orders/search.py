"""The text the Orders page searches: an order's number, contact name, email and phone
in one string, lower-cased and without accents ("Hélène" -> "helene"). It is computed by
the database (nothing stored on the order): on PostgreSQL by the function
``orders_search_fold`` that migration 0009 creates, with a pg_trgm GIN index on the same
expression, so that "contains" finds the few matching orders without reading every order
of the location.

The function uses the unaccent extension where it can be created (2 us an order), else
TRANSLATE() over the table below (some 40 us an order: correct, slower). On SQLite the
function is Python's, registered on the connection. The typed text is folded in Python
with the same table."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, TextField

# Letter for letter: FOLD_FROM[i] becomes FOLD_TO[i] (then everything is lower-cased).
FOLD_FROM = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘę"
    "ĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ"
    "ØøŁłĐđ"
)
FOLD_TO = (
    "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEe"
    "EeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzs"
    "OoLlDd"
)
# The letters TRANSLATE() cannot map (one letter to two), as unaccent maps them.
FOLD_PAIRS = (("Œ", "OE"), ("œ", "oe"), ("Æ", "AE"), ("æ", "ae"), ("ß", "ss"))
_TABLE = str.maketrans(FOLD_FROM, FOLD_TO) | {ord(a): b for a, b in FOLD_PAIRS}

# The order's columns, in the order they are joined (with a space between them).
COLUMNS = ("number", "first_name", "last_name", "email", "phone")


def fold_query(text: str) -> str:
    """The typed text as the searched text is written."""
    return " ".join(text.translate(_TABLE).lower().split())


# The PostgreSQL function folding a text (migration 0009 creates it). A function
# rather than the bare expression: an expression index needs an immutable one (unaccent()
# itself is only stable), and the planner then knows what it costs per row (plpgsql is
# not inlined): for a common name it walks the orders newest first and stops at a page,
# for a rare one it asks the index.
FUNCTION = "orders_search_fold"


def function_body(*, unaccent: bool) -> str:
    """The SQL the function returns for its text argument ``value``."""
    if unaccent:
        return "LOWER(public.unaccent('public.unaccent'::regdictionary, value))"
    sql = f"TRANSLATE(value, '{FOLD_FROM}', '{FOLD_TO}')"
    for letter, letters in FOLD_PAIRS:
        sql = f"REPLACE({sql}, '{letter}', '{letters}')"
    return f"LOWER({sql})"


def index_expression() -> str:
    """The searched text over the bare columns, as migration 0009 indexes it."""
    return _function_sql(list(COLUMNS))


def _function_sql(columns: list[str]) -> str:
    joined = " || ' ' || ".join(columns)
    return f"{FUNCTION}({joined})"


class OrderSearchText(Func):
    """The searched text of an order row (to ``alias`` and filter with ``contains``)."""

    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(*(F(column) for column in COLUMNS))

    def _columns(self, compiler: Any) -> tuple[list[str], tuple[Any, ...]]:
        columns: list[str] = []
        params: list[Any] = []
        for expression in self.source_expressions:
            sql, column_params = compiler.compile(expression)
            columns.append(sql)
            params.extend(column_params)
        return columns, tuple(params)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # PostgreSQL: the indexed expression (the planner matches the two).
        columns, params = self._columns(compiler)
        return _function_sql(columns), params

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # No TRANSLATE() in SQLite (and too many REPLACE() for its parser): the same
        # function, in Python, registered on the connection that runs the query.
        connection.ensure_connection()
        connection.connection.create_function(FUNCTION, 1, _fold, deterministic=True)
        columns, params = self._columns(compiler)
        return _function_sql(columns), params


def _fold(value: str | None) -> str | None:
    return None if value is None else value.translate(_TABLE).lower()
