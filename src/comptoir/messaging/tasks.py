"""Background tasks of the messaging app."""

from __future__ import annotations

from django_tasks import TaskContext

from comptoir.jobs.retry import attempts_left, retrying
from comptoir.messaging.delivery import deliver_message


# About 30 minutes of tries in all (30 s, 1, 2, 4, 8, 15 min): a provider outage of that
# length leaves the message queued and retried; after that it fails with the reason.
@retrying(
    max_attempts=7,
    base_delay_seconds=30,
    max_delay_seconds=900,
    takes_context=True,
)
def send_queued_message(context: TaskContext, message_id: int) -> str:
    return deliver_message(message_id, last_attempt=attempts_left(context) == 0)
