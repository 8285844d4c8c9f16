"""Staff opt into an email per new order, per location: sent after the order commits by
a task, to members still working there with VIEW_ORDERS, in their language, once."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.alerts.models import AlertKind, OrderAlert
from comptoir.alerts.notifications import email_new_order
from comptoir.alerts.services import set_alert_settings
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.services import FulfilmentChoice
from comptoir.partners.events import parse_event
from comptoir.partners.models import Partner, PartnerItem
from comptoir.partners.services import receive_event
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db


def new_order_emails(to: str | None = None):
    emails = OutgoingEmail.objects.filter(kind="staff_new_order")
    return emails.filter(to_address=to) if to else emails


def task_rows(name: str):
    return apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(
        task_path=f"comptoir.alerts.tasks.{name}"
    )


@pytest.fixture
def martyrs():
    return LocationFactory(name="Martyrs", fulfilment_types=["pickup", "curbside", "table"])


@pytest.fixture
def opted_in(make_member, martyrs):
    member = make_member(
        permissions=[Permission.VIEW_ORDERS],
        locations=[martyrs],
        user__email="lea@example.com",
        user__language="en",
    )
    set_alert_settings(
        actor=member, new_orders=True, curbside_arrivals=True, email_locations=[martyrs]
    )
    return member


def place(location, *, fulfilment=PICKUP, **kwargs):
    product = stocked(location, price=450, stock=None, name_en="Croissant", name_fr="Croissant")
    return checkout(location, [(product, 2)], fulfilment=fulfilment, **kwargs)


def test_an_opted_in_member_gets_an_email_with_the_order_after_it_commits(
    opted_in, martyrs, django_capture_on_commit_callbacks, immediate_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(
            martyrs, fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="Van")
        )

    email = new_order_emails().get()
    assert email.to_address == "lea@example.com"
    assert email.language == "en"
    assert email.subject == f"New order {order.number} at Martyrs"
    text = email.text_body
    assert f"Order {order.number} · Martyrs" in text
    assert "Source: Website" in text
    assert "Fulfilment: Pickup (Curbside pickup)" in text
    assert "Promised: " in text
    assert "Total: €9.00" in text
    assert "2 \u00d7 Croissant" in text
    assert reverse("dashboard:order_detail", args=[order.pk]) in text
    assert reverse("dashboard:order_detail", args=[order.pk]) in email.html_body


def test_the_task_is_enqueued_only_once_the_order_commits(
    opted_in, martyrs, django_capture_on_commit_callbacks
):
    # Its row is inserted in the order's own transaction (jobs.dispatch.enqueued_together,
    # the database backend): it commits with the order or not at all, so the worker never
    # sees it first, and a rolled-back order leaves none.
    with pytest.raises(RolledBack), transaction.atomic():
        place(martyrs)
        assert task_rows("email_new_order").count() == 1
        raise RolledBack
    assert not task_rows("email_new_order").exists()

    with django_capture_on_commit_callbacks(execute=True):
        place(martyrs)
    assert task_rows("email_new_order").count() == 1  # not enqueued again after the commit
    assert not new_order_emails().exists()  # the worker writes it


class RolledBack(Exception):
    pass


def test_no_email_for_an_order_at_another_location(opted_in, make_member):
    elsewhere = LocationFactory()
    order = place(elsewhere)
    assert email_new_order(order.pk) == "sent 0"
    assert not new_order_emails().exists()


def test_no_email_when_not_opted_in_or_opted_out_again(opted_in, martyrs, make_member):
    make_member(permissions=[Permission.VIEW_ORDERS], locations=[martyrs])  # never opted in
    set_alert_settings(actor=opted_in, new_orders=True, curbside_arrivals=True, email_locations=[])
    order = place(martyrs)
    assert email_new_order(order.pk) == "sent 0"
    assert not new_order_emails().exists()


def test_no_email_after_leaving_the_location_or_losing_the_permission(
    opted_in, martyrs, make_member
):
    other = make_member(
        permissions=[Permission.VIEW_ORDERS], access=Access.FULL, user__email="sam@example.com"
    )
    set_alert_settings(
        actor=other, new_orders=True, curbside_arrivals=True, email_locations=[martyrs]
    )
    opted_in.locations.set([LocationFactory()])  # moved to another shop
    other.access = Access.ROLE
    other.role = opted_in.role.__class__.objects.create(
        name="Stock", permissions=["manage_catalog"]
    )
    other.save()

    order = place(martyrs)
    assert email_new_order(order.pk) == "sent 0"


def test_deactivated_members_get_nothing(opted_in, martyrs):
    opted_in.is_active = False
    opted_in.save(update_fields=["is_active"])
    assert email_new_order(place(martyrs).pk) == "sent 0"


def test_the_email_is_in_each_members_language(opted_in, martyrs, make_member):
    french = make_member(
        permissions=[Permission.VIEW_ORDERS],
        locations=[martyrs],
        user__email="jules@example.com",
        user__language="fr",
    )
    set_alert_settings(
        actor=french, new_orders=True, curbside_arrivals=True, email_locations=[martyrs]
    )
    order = place(martyrs)

    assert email_new_order(order.pk) == "sent 2"
    english = new_order_emails("lea@example.com").get()
    francais = new_order_emails("jules@example.com").get()
    assert (english.language, francais.language) == ("en", "fr")
    assert "Fulfilment: Pickup" in english.text_body
    assert "Retrait" in francais.text_body and "Pickup" not in francais.text_body


def test_running_the_task_twice_sends_once(opted_in, martyrs):
    order = place(martyrs)
    assert email_new_order(order.pk) == "sent 1"
    assert email_new_order(order.pk) == "sent 0"
    assert new_order_emails().count() == 1
    alert = OrderAlert.objects.get(order=order, member=opted_in, kind=AlertKind.NEW_ORDER)
    assert alert.email == new_order_emails().get()


def test_the_worker_sends_it_once_even_when_the_task_is_enqueued_twice(
    opted_in, martyrs, run_worker, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    from comptoir.alerts.tasks import email_new_order as task

    order = place(martyrs)  # transactional database: the task is enqueued on commit
    task.enqueue(order.pk)
    run_worker()
    run_worker("--queue", "email")

    assert [m.to for m in mail.outbox if "New order" in m.subject] == [["lea@example.com"]]


def test_table_and_partner_orders_are_emailed_too(
    opted_in, martyrs, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        table = place(
            martyrs, fulfilment=FulfilmentChoice(type="table", table_label="7"), source="table"
        )
    partner = Partner.objects.create(name="Livreur", slug="livreur", secret="s", location=martyrs)
    burger = stocked(martyrs, price=950, stock=None, name_en="Burger", name_fr="Burger")
    PartnerItem.objects.create(partner=partner, external_id="LV-BURGER", product=burger)
    payload = {
        "event_id": "evt_1",
        "type": "order.created",
        "order": {
            "id": "LV-1",
            "customer": {"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com"},
            "items": [{"id": "LV-BURGER", "name": "Burger", "quantity": 1, "unit_price": 950}],
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        outcome = receive_event(partner=partner, event=parse_event(json.dumps(payload).encode()))

    subjects = sorted(new_order_emails().values_list("subject", flat=True))
    assert subjects == sorted(
        [f"New order {table.number} at Martyrs", f"New order {outcome.order_number} at Martyrs"]
    )
    partner_email = new_order_emails().get(subject__contains=outcome.order_number)
    assert "Source: Partner (Livreur)" in partner_email.text_body
    table_email = new_order_emails().get(subject__contains=table.number)
    assert "Source: Table" in table_email.text_body and "Table 7." in table_email.text_body


def test_a_counter_order_is_emailed_too(opted_in, martyrs):
    order = place(martyrs, source="counter")
    assert email_new_order(order.pk) == "sent 1"
    assert "Source: Counter" in new_order_emails().get().text_body


def test_an_order_without_fulfilment_schedules_no_reminder(
    opted_in, martyrs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place(martyrs, fulfilment=None)
    assert task_rows("email_new_order").count() == 1
    assert not task_rows("remind_not_accepted").exists()


def test_with_nobody_opted_in_the_task_reads_no_member(make_member, martyrs):
    for _n in range(5):  # staff who could see the order, none asked for the email
        make_member(permissions=[Permission.VIEW_ORDERS], locations=[martyrs])
    order = place(martyrs)

    with CaptureQueriesContext(connection) as queries:
        assert email_new_order(order.pk) == "sent 0"

    assert not any("team_teammember" in q["sql"] for q in queries.captured_queries)
    assert not new_order_emails().exists()


def test_only_opted_in_members_are_read_and_emailed(make_member, opted_in, martyrs):
    for _n in range(3):
        make_member(permissions=[Permission.VIEW_ORDERS], locations=[martyrs])
    order = place(martyrs)

    assert email_new_order(order.pk) == "sent 1"
    assert list(new_order_emails().values_list("to_address", flat=True)) == ["lea@example.com"]
