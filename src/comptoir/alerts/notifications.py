"""Emails to staff about orders: one per new order to the members who asked for it at
that location, and one reminder when an order is still not accepted after the shop's
delay. Run by ``alerts.tasks`` (enqueued after the order commits, see
``alerts.services.announce_new_order``).

Each recipient gets a row ``OrderAlert(order, kind, member)`` in the same transaction
as the outbox email, so a second run (a retry, a twin task) sends nothing more. Who
receives is decided when the task runs: still active, still working at the location,
still allowed to see orders."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from comptoir.alerts.models import AlertKind, OrderAlert, StaffAlertSettings
from comptoir.mail.services import queue_templated_email
from comptoir.orders.events import record_event
from comptoir.orders.late_risk import acceptance_reminder_after, promised_at
from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderState
from comptoir.shop.links import absolute_url
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access, TeamMember
from comptoir.team.permissions import Permission

NEW_ORDER_TEMPLATE = "alerts/new_order"
REMINDER_TEMPLATE = "alerts/not_accepted"
# The order timeline's row for the reminder. Not yet an ``OrderEventKind`` (orders
# models are not this app's): the dashboard labels it meanwhile.
REMINDER_EVENT = "not_accepted_reminder"


@dataclass(frozen=True)
class ReminderOutcome:
    status: str
    due_at: datetime | None = None  # set when it is too early: run again then


def staff_of_location(location_id: int, among: Collection[int] | None = None) -> list[TeamMember]:
    """Active members working at the location who may see its orders (of ``among``, ids
    of members, when given)."""
    members = TeamMember.objects.all() if among is None else TeamMember.objects.filter(pk__in=among)
    members = (
        members.filter(is_active=True, user__is_active=True)
        .filter(
            Q(access__in=[Access.OWNER, Access.FULL])
            | Q(all_locations=True)
            | Q(locations=location_id)
        )
        .distinct()
        .select_related("user", "role")
        .order_by("pk")
    )
    return [member for member in members if member.has_permission(Permission.VIEW_ORDERS)]


def email_new_order(order_id: int) -> str:
    """Email the order to each member who opted in for its location. Returns what it
    did (shown on the tasks page)."""
    with transaction.atomic():
        location_id = (
            Order.objects.filter(pk=order_id).values_list("location_id", flat=True).first()
        )
        if location_id is None:
            return "no such order"
        opted_in = set(
            StaffAlertSettings.objects.filter(email_locations=location_id).values_list(
                "member_id", flat=True
            )
        )
        if not opted_in:  # nobody asked for these emails: no order or member to read
            return "sent 0"
        order = _order(order_id)
        if order is None:
            return "no such order"
        recipients = staff_of_location(location_id, among=opted_in)
        sent = _email_each(order, recipients, AlertKind.NEW_ORDER, NEW_ORDER_TEMPLATE)
    return f"sent {sent}"


def remind_not_accepted(order_id: int, *, now: datetime | None = None) -> ReminderOutcome:
    """If the order's fulfilment is still proposed once the shop's delay has passed,
    email the location's staff who keep new-order notifications on, and write the
    reminder on the order's timeline; once per order."""
    now = now or timezone.now()
    with transaction.atomic():
        # The order row first, as the fulfilment services lock it: an acceptance running
        # now either committed (we see it) or waits for this reminder.
        order = Order.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
        if order is None:
            return ReminderOutcome("no such order")
        fulfilment = Fulfilment.objects.filter(order=order).first()
        if (
            fulfilment is None
            or fulfilment.state != FulfilmentState.PROPOSED
            or order.state != OrderState.OPEN
        ):
            return ReminderOutcome("accepted or ended")
        delay = acceptance_reminder_after()
        due = fulfilment.placed_at + delay
        if now < due:
            return ReminderOutcome("not due yet", due_at=due)
        _marker, created = OrderAlert.objects.get_or_create(
            order=order, kind=AlertKind.NOT_ACCEPTED, member=None
        )
        if not created:
            return ReminderOutcome("already reminded")
        staff = staff_of_location(order.location_id)
        # No settings row: the default, notifications on.
        muted = set(
            StaffAlertSettings.objects.filter(member__in=staff, new_orders=False).values_list(
                "member_id", flat=True
            )
        )
        recipients = [member for member in staff if member.pk not in muted]
        order = _order(order_id) or order
        sent = _email_each(order, recipients, AlertKind.NOT_ACCEPTED, REMINDER_TEMPLATE)
        record_event(
            order, REMINDER_EVENT, minutes=int(delay.total_seconds() // 60), recipients=sent
        )
    return ReminderOutcome(f"sent {sent}")


def _order(order_id: int) -> Order | None:
    return (
        Order.objects.select_related("location", "fulfilment")
        .prefetch_related("lines")
        .filter(pk=order_id)
        .first()
    )


def _email_each(order: Order, members: list[TeamMember], kind: str, template: str) -> int:
    """One email per member not yet alerted of this order for ``kind``."""
    if not members:
        return 0
    shop = get_shop()
    context = _context(order)
    sent = 0
    for member in members:
        alert, created = OrderAlert.objects.get_or_create(order=order, kind=kind, member=member)
        if not created:
            continue
        language = member.user.language or shop.published_language
        alert.email = queue_templated_email(
            to=member.user.email,
            template=template,
            context={**context, "recipient": member.user},
            language=language,
            kind=f"staff_{kind}",
        )
        alert.save(update_fields=["email"])
        sent += 1
    return sent


def _context(order: Order) -> dict[str, object]:
    fulfilment: Fulfilment | None = getattr(order, "fulfilment", None)
    partner_order = getattr(order, "partner_order", None)
    return {
        "order": order,
        "location": order.location,
        "fulfilment": fulfilment,
        "promised_at": promised_at(fulfilment) if fulfilment else None,
        "partner": partner_order.partner.name if partner_order else "",
        "lines": list(order.lines.all()),
        "order_url": absolute_url(reverse("dashboard:order_detail", args=[order.pk])),
        "minutes": int(acceptance_reminder_after().total_seconds() // 60),
    }
