"""Background tasks of the jobs app."""

from __future__ import annotations

from django_tasks import task

from comptoir.jobs import cleanup


@task()
def forget_finished_tasks() -> int:
    """Delete the finished task results past their keeping time (run it daily)."""
    return cleanup.forget_finished_tasks()
