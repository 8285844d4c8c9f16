"""A staff member changing their own alert settings, and what an order's creation hands
to the alerts (the staff emails, after commit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.alerts.models import StaffAlertSettings
from comptoir.alerts.tasks import email_new_order, remind_not_accepted
from comptoir.compiled_read import CompiledRead, CompiledValues
from comptoir.errors import InvalidInput
from comptoir.jobs.dispatch import deferred, enqueue_with_transaction
from comptoir.orders.late_risk import acceptance_reminder_after
from comptoir.orders.models import Order
from comptoir.shop.models import Location, Shop
from comptoir.team.access import can_access_location, require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

# Read by the Orders page on each request and each live refresh: the statements are
# compiled once per process (the rows are read every time).
_settings_row = CompiledRead(
    lambda member_id: StaffAlertSettings.objects.filter(member_id=member_id).order_by("pk")
)
_email_locations = CompiledValues(
    lambda _key, member_id: StaffAlertSettings.email_locations.through.objects.filter(
        staffalertsettings__member_id=member_id
    ).values_list("location_id"),
    placeholders=(-7_913_572_468_141,),
)


def alert_settings_of(member: TeamMember) -> StaffAlertSettings:
    """The member's settings, or the defaults (unsaved) when they never changed them."""
    return _settings_row.first(member.pk) or StaffAlertSettings(member=member)


def email_location_ids(member: TeamMember) -> set[int]:
    """Locations whose new orders the member asked to receive by email."""
    return {location_id for (location_id,) in _email_locations.rows(None, member.pk)}


def set_alert_settings(
    *,
    actor: TeamMember,
    new_orders: bool,
    curbside_arrivals: bool,
    email_locations: Iterable[Location | int] | None = None,
) -> StaffAlertSettings:
    """Only one's own settings: the alerts play on the member's own screen and the emails
    go to their own address. ``email_locations``: where they want an email per new
    order, only locations they work at (None: unchanged)."""
    require(actor, Permission.VIEW_ORDERS)
    location_ids: list[int] | None = None
    if email_locations is not None:
        location_ids = sorted(
            {item if isinstance(item, int) else item.pk for item in email_locations}
        )
        if not all(can_access_location(actor, pk) for pk in location_ids) or (
            Location.objects.filter(pk__in=location_ids).count() != len(location_ids)
        ):
            raise InvalidInput(
                {"email_locations": _("Choose among the locations you work at.")},
                code="not_your_location",
            )
    with transaction.atomic():
        settings, _created = StaffAlertSettings.objects.update_or_create(
            member=actor,
            defaults={"new_orders": new_orders, "curbside_arrivals": curbside_arrivals},
        )
        if location_ids is not None:
            settings.email_locations.set(location_ids)
    return settings


def announce_new_order(order: Order, *, shop: Shop, accept_from: datetime | None) -> None:
    """Called inside the transaction that creates an order (site, table, counter,
    partner): once it commits, email the staff who opted in for its location and, when
    there is a fulfilment to accept (``accept_from``: its placement), schedule the "not
    accepted yet" reminder at placement + the shop's delay. Costs no query now (inside
    ``jobs.dispatch.enqueued_together``, the tasks' rows join that block's one INSERT,
    committed with the order)."""
    enqueue_with_transaction(email_new_order, order.pk)
    if accept_from is None:
        return  # nothing to accept (a donation, an e-gift card)
    reminder_at = accept_from + acceptance_reminder_after(shop)
    enqueue_with_transaction(deferred(remind_not_accepted, reminder_at), order.pk)
