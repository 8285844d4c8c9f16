"""Background tasks of the alerts app: each takes an order id and is safe to run twice
(see ``alerts.notifications``)."""

from __future__ import annotations

from comptoir.alerts import notifications
from comptoir.jobs.retry import retrying


# The tasks only write outbox rows (which have their own retries to send them): a few
# quick tries cover a database hiccup.
@retrying(max_attempts=3, base_delay_seconds=30, max_delay_seconds=300)
def email_new_order(order_id: int) -> str:
    return notifications.email_new_order(order_id)


@retrying(max_attempts=3, base_delay_seconds=30, max_delay_seconds=300)
def remind_not_accepted(order_id: int) -> str:
    outcome = notifications.remind_not_accepted(order_id)
    if outcome.due_at is not None:
        # Not due yet (the shop lengthened the delay since the order was placed): again then.
        task = remind_not_accepted
        if task.get_backend().supports_defer:
            task.using(run_after=outcome.due_at).enqueue(order_id)
    return outcome.status
