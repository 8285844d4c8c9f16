"""Background tasks of the users app."""

from __future__ import annotations

from django_tasks import task

from comptoir.users import cleanup


@task()
def forget_expired_sessions() -> int:
    """Delete the sessions past their expiry (run it daily)."""
    return cleanup.forget_expired_sessions()
