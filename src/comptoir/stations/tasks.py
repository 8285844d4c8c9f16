"""Background tasks of the stations app."""

from __future__ import annotations

from django_tasks import TaskContext

from comptoir.jobs.retry import attempts_left, retrying
from comptoir.stations.printing import deliver_ticket


# Four tries within about half a minute (5, 10, 20 s apart): a kitchen ticket is useful
# now or never, so staff are told soon (failed ticket, Reprint) rather than retried for long.
@retrying(max_attempts=4, base_delay_seconds=5, max_delay_seconds=60, takes_context=True)
def print_ticket(context: TaskContext, ticket_id: int) -> str:
    return deliver_ticket(ticket_id, last_attempt=attempts_left(context) == 0)
