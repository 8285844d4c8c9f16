"""Background tasks of the customers app."""

from __future__ import annotations

from django_tasks import task

from comptoir.customers.search_order import sort_search_entries


@task()
def sort_directory_search() -> int:
    """Put the directory's search table back in name order (run it daily)."""
    return sort_search_entries()
