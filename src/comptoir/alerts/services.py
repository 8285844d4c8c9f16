"""A staff member changing their own alert settings."""

from __future__ import annotations

from comptoir.alerts.models import StaffAlertSettings
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission


def alert_settings_of(member: TeamMember) -> StaffAlertSettings:
    """The member's settings, or the defaults (unsaved) when they never changed them."""
    found = StaffAlertSettings.objects.filter(member=member).first()
    return found or StaffAlertSettings(member=member)


def set_alert_settings(
    *, actor: TeamMember, new_orders: bool, curbside_arrivals: bool
) -> StaffAlertSettings:
    """Only one's own settings: the alerts play on the member's own screen."""
    require(actor, Permission.VIEW_ORDERS)
    settings, _created = StaffAlertSettings.objects.update_or_create(
        member=actor,
        defaults={"new_orders": new_orders, "curbside_arrivals": curbside_arrivals},
    )
    return settings
