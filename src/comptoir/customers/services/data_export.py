"""The back office downloads everything held about a customer (customers.personal_data):
allowed to whoever manages customers, and written in the record's timeline (who, when),
as a privacy law's right of access expects to be able to show."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from comptoir.customers.events import record_event
from comptoir.customers.models import EventKind
from comptoir.customers.personal_data import personal_data
from comptoir.customers.selectors import customer_for_staff
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission


def export_customer_data(*, actor: TeamMember, customer_id: int) -> dict[str, Any]:
    """The record's personal data as a JSON-serialisable dict; raises NotFound for a
    record ``actor`` may not see."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    with transaction.atomic():
        customer = customer_for_staff(actor, customer_id)
        record_event(customer, EventKind.DATA_EXPORTED, actor=actor)
        return personal_data(customer)
