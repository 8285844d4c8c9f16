"""The appointment's timeline rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from comptoir.appointments.models import Appointment, AppointmentEvent, AppointmentEventKind
from comptoir.team.models import TeamMember


def record_event(
    appointment: Appointment,
    kind: AppointmentEventKind,
    *,
    actor: TeamMember | None,
    source: str = "staff",
    **detail: Any,
) -> AppointmentEvent:
    """One timeline row; ``detail`` values that are None are left out, times kept as ISO
    8601 text."""
    return AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        actor=actor,
        source=source,
        detail={
            key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in detail.items()
            if value is not None
        },
    )
