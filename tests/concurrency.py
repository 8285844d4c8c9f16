"""Run one action from several threads released at the same instant, each on its own
database connection: the shape of every "two people at once" test on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import translation


def skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so it proves nothing here")


def run_at_once(count: int, action: Callable[[int], object]) -> list[object]:
    """Call ``action(n)`` for n in range(count) in threads released together; return what
    each returned, or the repr of what it raised (so the caller's assertion shows it).
    The threads speak English (a new thread has the default language, French): the
    assertions read the English source messages."""
    start = threading.Barrier(count)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            start.wait(timeout=60)
            with translation.override("en"):
                outcome = action(n)
        except Exception as error:
            outcome = repr(error)
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes
