"""Orders not accepted within the shop's delay ("remind staff of orders not accepted
after N minutes", 1 to 120, default 5) email the location's staff who keep new-order
notifications on, once, and say so on the order's timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from comptoir.alerts.models import AlertKind, OrderAlert
from comptoir.alerts.notifications import REMINDER_EVENT, remind_not_accepted
from comptoir.alerts.services import set_alert_settings
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.fulfilment import accept_order
from comptoir.orders.models import Order, OrderEvent
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Paris


def reminders(to: str | None = None):
    emails = OutgoingEmail.objects.filter(kind="staff_not_accepted")
    return emails.filter(to_address=to) if to else emails


def reminder_task_rows():
    return apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(
        task_path="comptoir.alerts.tasks.remind_not_accepted"
    )


def set_delay(minutes: int) -> None:
    shop = get_shop()
    shop.acceptance_reminder_minutes = minutes
    shop.save(update_fields=["acceptance_reminder_minutes"])


@pytest.fixture
def martyrs(db):
    return LocationFactory(name="Martyrs", preparation_minutes=20)


@pytest.fixture
def barista(make_member, martyrs):
    return make_member(
        permissions=[Permission.MANAGE_ORDERS],
        locations=[martyrs],
        user__email="lea@example.com",
        user__language="en",
    )


def place(location):
    return checkout(location, [(stocked(location, stock=None), 1)], fulfilment=PICKUP)


@pytest.mark.django_db
def test_placing_an_order_schedules_the_reminder_at_placement_plus_the_shops_delay(
    martyrs, django_capture_on_commit_callbacks
):
    set_delay(12)
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        order = place(martyrs)
    row = reminder_task_rows().get()
    assert row.args_kwargs["args"] == [order.pk]
    assert row.run_after == NOON + timedelta(minutes=12)
    assert not reminders().exists()


@pytest.mark.django_db
def test_still_proposed_after_n_minutes_the_staff_are_emailed_once(martyrs, barista, make_member):
    set_delay(10)
    muted = make_member(permissions=[Permission.VIEW_ORDERS], locations=[martyrs])
    set_alert_settings(actor=muted, new_orders=False, curbside_arrivals=True)
    make_member(permissions=[Permission.MANAGE_CATALOG], locations=[martyrs])  # no orders
    make_member(permissions=[Permission.VIEW_ORDERS], locations=[LocationFactory()])  # elsewhere
    with time_machine.travel(NOON, tick=False):
        order = place(martyrs)

    with time_machine.travel(NOON + timedelta(minutes=9, seconds=59), tick=False):
        early = remind_not_accepted(order.pk)
    assert early.status == "not due yet" and early.due_at == NOON + timedelta(minutes=10)
    assert not reminders().exists()

    with time_machine.travel(NOON + timedelta(minutes=10), tick=False):
        assert remind_not_accepted(order.pk).status == "sent 1"
        assert remind_not_accepted(order.pk).status == "already reminded"

    email = reminders().get()
    assert email.to_address == "lea@example.com" and email.language == "en"
    assert email.subject == f"Order {order.number} at Martyrs is not accepted yet"
    assert "waiting more than 10 minutes to be accepted" in email.text_body
    assert reverse("dashboard:order_detail", args=[order.pk]) in email.text_body
    event = OrderEvent.objects.get(order=order, kind=REMINDER_EVENT)
    assert event.detail == {"minutes": 10, "recipients": 1} and event.actor is None
    assert OrderAlert.objects.filter(order=order, kind=AlertKind.NOT_ACCEPTED).count() == 2


@pytest.mark.django_db
def test_no_reminder_when_the_order_was_accepted_meanwhile(martyrs, barista):
    with time_machine.travel(NOON, tick=False):
        order = place(martyrs)
    with time_machine.travel(NOON + timedelta(minutes=3), tick=False):
        accept_order(actor=barista, order_id=order.pk, expected_version=order.version)
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        assert remind_not_accepted(order.pk).status == "accepted or ended"
    assert not reminders().exists()
    assert not OrderEvent.objects.filter(order=order, kind=REMINDER_EVENT).exists()


@pytest.mark.django_db
def test_the_reminder_appears_on_the_orders_timeline(martyrs, barista, signed_in):
    with time_machine.travel(NOON, tick=False):
        order = place(martyrs)
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        remind_not_accepted(order.pk)
    html = signed_in(barista).get(reverse("dashboard:order_detail", args=[order.pk]))
    assert "Staff reminded: not accepted yet" in html.content.decode()


def test_the_worker_sends_the_reminder_only_once_the_delay_has_passed(
    martyrs, barista, run_worker, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    order = place(martyrs)  # transactional database: the tasks are enqueued on commit
    run_worker()
    assert not reminders().exists()

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6)):
        run_worker()
        run_worker()
    assert reminders().count() == 1
    assert Order.objects.get(pk=order.pk).events.filter(kind=REMINDER_EVENT).count() == 1


@pytest.mark.django_db
def test_the_orders_page_highlights_with_the_same_delay(martyrs, barista, signed_in):
    set_delay(10)
    with time_machine.travel(NOON, tick=False):
        order = place(martyrs)
    client = signed_in(barista)
    url = reverse("dashboard:order_list")
    with time_machine.travel(NOON + timedelta(minutes=9), tick=False):
        response = client.get(url)
    assert 'data-reminder-ms="600000"' in response.content.decode()
    assert response.context["awaiting"] == []
    with time_machine.travel(NOON + timedelta(minutes=10), tick=False):
        response = client.get(url)
    assert [row["order"].pk for row in response.context["awaiting"]] == [order.pk]


def test_a_delay_lengthened_after_placement_moves_the_reminder_later(martyrs, barista, run_worker):
    start = datetime.now(UTC)
    order = place(martyrs)  # scheduled at placement + 5 minutes
    set_delay(10)

    with time_machine.travel(start + timedelta(minutes=6)):
        run_worker()
    assert not reminders().exists()
    placed_at = Order.objects.get(pk=order.pk).fulfilment.placed_at
    again = reminder_task_rows().filter(status="READY").get()
    assert again.run_after == placed_at + timedelta(minutes=10)

    with time_machine.travel(start + timedelta(minutes=11)):
        run_worker()
    assert reminders().count() == 1
