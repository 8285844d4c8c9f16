"""Timeline rows of a customer record (customers.models.CustomerEvent). Written by the
services in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from comptoir.customers.models import Customer, CustomerEvent, EventKind
from comptoir.team.models import TeamMember


def record_event(
    customer: Customer | int,
    kind: EventKind,
    *,
    actor: TeamMember | None = None,
    **detail: Any,
) -> CustomerEvent:
    """``detail`` holds codes, ids and field names only: never personal values, so that
    the timeline needs no scrubbing when a record is erased or merged."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    return CustomerEvent.objects.create(
        customer_id=customer_id, kind=kind, actor=actor, detail=detail
    )
