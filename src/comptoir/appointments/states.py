"""Which status an appointment may move to, as one table checked by one function."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.appointments.models import AppointmentStatus as S
from comptoir.errors import Conflict

TRANSITIONS: dict[S, frozenset[S]] = {
    S.BOOKED: frozenset({S.CONFIRMED, S.RESCHEDULE_REQUESTED, S.CANCELLED, S.DONE}),
    S.CONFIRMED: frozenset({S.RESCHEDULE_REQUESTED, S.CANCELLED, S.DONE}),
    # Staff give a new time (back to booked) or the customer confirms the old one.
    S.RESCHEDULE_REQUESTED: frozenset({S.BOOKED, S.CONFIRMED, S.CANCELLED, S.DONE}),
    S.CANCELLED: frozenset(),
    S.DONE: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return S(target) in TRANSITIONS[S(current)]


def check_transition(current: str, target: str) -> None:
    if not can_move(current, target):
        raise Conflict(
            _("This appointment is %(current)s: it cannot be marked %(target)s.")
            % {"current": S(current).label.lower(), "target": S(target).label.lower()},
            code="invalid_transition",
        )
