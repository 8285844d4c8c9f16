"""Background tasks of the consent app."""

from __future__ import annotations

from django_tasks import task

from comptoir.consent.cleanup import forget_old_received_texts


@task()
def forget_received_texts() -> int:
    """Delete the ids of inbound texts older than a week (run it daily)."""
    return forget_old_received_texts()
