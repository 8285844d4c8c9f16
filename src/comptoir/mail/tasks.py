"""Background tasks of the mail app."""

from __future__ import annotations

from django_tasks import TaskContext

from comptoir.jobs.retry import attempts_left, retrying
from comptoir.mail.delivery import deliver_email


# About 15 minutes of tries in all (30 s, 1, 2, 4, 8 min): long enough for a mail server
# restart, short enough that a message about an order is still useful when it arrives.
@retrying(
    max_attempts=6,
    base_delay_seconds=30,
    max_delay_seconds=900,
    queue_name="email",
    takes_context=True,
)
def send_email(context: TaskContext, email_id: int) -> str:
    return deliver_email(email_id, last_attempt=attempts_left(context) == 0)
