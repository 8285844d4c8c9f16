"""Fixtures for code that enqueues tasks; imported by tests/jobs and tests/mail conftests.

Two ways to run tasks in a test:

- ``immediate_tasks``: switches settings.TASKS to django-tasks' ImmediateBackend, so
  ``task.enqueue()`` runs the task right there (no worker, no run_after, so no retries).
  Remember that on_commit callbacks do not fire inside a test's transaction: wrap the code
  in ``django_capture_on_commit_callbacks(execute=True)`` or use ``transaction=True``.
- The real path (the default settings): tasks are rows of the database queue and
  ``run_worker()`` runs ``comptoir worker --batch``, which runs what is ready and exits
  (tests using it get a transactional database, see below).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command

from tests.jobs import tasks as test_tasks

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email"],
    }
}


@pytest.fixture
def immediate_tasks(settings) -> None:
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def run_worker(transactional_db) -> Callable[..., str]:
    """``run_worker("--queue", "email")``: one ``comptoir worker --batch`` run; its output.

    The test's database is transactional (really committed, emptied afterwards), like
    production: the worker's loop closes connections that are inside a transaction, which
    would end a test wrapped in one on PostgreSQL. It also means on_commit callbacks fire."""

    def run(*options: str) -> str:
        out = io.StringIO()
        call_command("worker", "--batch", "--verbosity", "0", *options, stdout=out, stderr=out)
        return out.getvalue()

    return run


@pytest.fixture(autouse=True)
def _reset_test_tasks() -> None:
    test_tasks.reset()
