"""Background tasks of the partners app."""

from __future__ import annotations

from django_tasks import TaskContext, task

from comptoir.jobs.retry import attempts_left, retrying
from comptoir.partners.callbacks import deliver_callback
from comptoir.partners.cleanup import forget_old_events


# 10 s, 20 s, 40 s ... capped at 30 min: about 5 hours in all (Saleor backs off
# 10 s x 2^n; partners cancel an unanswered order after ~11.5 minutes, so the first
# tries are what matter).
@retrying(max_attempts=12, base_delay_seconds=10, max_delay_seconds=1800, takes_context=True)
def send_partner_callback(context: TaskContext, callback_id: int) -> str:
    return deliver_callback(callback_id, last_attempt=attempts_left(context) == 0)


@task()
def forget_processed_events() -> int:
    """Delete processed event ids older than 72 hours (run it hourly)."""
    return forget_old_events()
