"""On PostgreSQL, the statements a connection runs again and again are prepared there
(decision 0033): parsed and planned once, then only executed. The checkout's reads go
through ``compiled_read``, the session store and the ORM: all of them count."""

from __future__ import annotations

import pytest
from django.db import connection

from comptoir import config
from comptoir.shop.selectors import get_shop

pytestmark = pytest.mark.django_db


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _skip_unless_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL connection's")


def test_a_statement_run_often_is_prepared_on_the_connection():
    _skip_unless_postgresql()
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == config.PREPARE_THRESHOLD
    for _ in range(config.PREPARE_THRESHOLD + 1):
        shop = get_shop()
    assert shop.pk
    shop_reads = [sql for sql in _prepared_statements() if '"shop_shop"' in sql]
    assert shop_reads, "the shop's read was not prepared after being run repeatedly"


def test_a_statement_run_once_is_not_prepared():
    _skip_unless_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::int + 40 AS answer", [2])
        assert cursor.fetchone()[0] == 42
    assert not [sql for sql in _prepared_statements() if "answer" in sql]
