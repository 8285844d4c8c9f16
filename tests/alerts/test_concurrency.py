"""The staff emails go out once even when two runs of a task race (a retry overlapping
a slow first attempt): PostgreSQL, threads on their own connections."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comptoir.alerts.notifications import REMINDER_EVENT, email_new_order, remind_not_accepted
from comptoir.alerts.services import set_alert_settings
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import OrderEvent
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import LocationFactory, TeamMemberFactory
from tests.orders.factories import PICKUP, checkout, stocked

RUNS = 4


@pytest.fixture
def order_and_staff():
    skip_unless_postgres()
    get_shop()
    location = LocationFactory()
    for n in range(2):
        member = TeamMemberFactory(
            permissions=[Permission.VIEW_ORDERS],
            locations=[location],
            user__email=f"staff{n}@example.com",
        )
        set_alert_settings(
            actor=member, new_orders=True, curbside_arrivals=True, email_locations=[location]
        )
    return checkout(location, [(stocked(location, stock=None), 1)], fulfilment=PICKUP)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_the_new_order_task_email_each_member_once(order_and_staff):
    outcomes = run_at_once(RUNS, lambda n: email_new_order(order_and_staff.pk))

    assert sorted(outcomes) == ["sent 0"] * (RUNS - 1) + ["sent 2"], outcomes
    emails = OutgoingEmail.objects.filter(kind="staff_new_order")
    assert sorted(emails.values_list("to_address", flat=True)) == [
        "staff0@example.com",
        "staff1@example.com",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_the_reminder_send_it_once(order_and_staff):
    later = timezone.now() + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        outcomes = run_at_once(
            RUNS, lambda n: remind_not_accepted(order_and_staff.pk, now=later).status
        )

    assert sorted(outcomes) == ["already reminded"] * (RUNS - 1) + ["sent 2"], outcomes
    assert OutgoingEmail.objects.filter(kind="staff_not_accepted").count() == 2
    assert OrderEvent.objects.filter(order=order_and_staff, kind=REMINDER_EVENT).count() == 1
