"""The menu's unread badge: how many conversations hold unread messages, answered with
one query whatever their number, polled by htmx; empty and not polling for members
without the messaging permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.messaging.models import Channel
from comptoir.messaging.services import record_inbound
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def unread_text(customer, body: str = "Bonjour"):
    return record_inbound(
        customer=customer, channel=Channel.EMAIL, body=body, from_address=customer.email
    )


def test_the_badge_counts_unread_conversations(staff_client):
    client = staff_client(Permission.MESSAGE_CUSTOMERS)
    helene, lou, read = CustomerFactory(), CustomerFactory(), CustomerFactory()
    unread_text(helene)
    unread_text(helene, "Encore moi")
    unread_text(lou)
    unread_text(read)
    read.conversation.unread_count = 0
    read.conversation.save(update_fields=["unread_count"])

    answer = client.get(reverse("dashboard:message_unread_badge"))

    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'data-unread="2"' in html
    assert 'hx-trigger="every 20s"' in html and 'hx-swap="outerHTML"' in html


def test_no_unread_message_shows_no_number(staff_client):
    answer = staff_client(Permission.MESSAGE_CUSTOMERS).get(
        reverse("dashboard:message_unread_badge")
    )

    assert "data-unread" not in answer.content.decode()


def test_the_badge_costs_the_same_queries_for_any_number(staff_client, count_queries):
    client = staff_client(Permission.MESSAGE_CUSTOMERS)
    unread_text(CustomerFactory())
    client.get(reverse("dashboard:message_unread_badge"))  # the session, warmed up
    with count_queries() as few:
        client.get(reverse("dashboard:message_unread_badge"))
    for _n in range(5):
        unread_text(CustomerFactory())
    with count_queries() as many:
        answer = client.get(reverse("dashboard:message_unread_badge"))

    assert 'data-unread="6"' in answer.content.decode()
    assert many.count == few.count


def test_members_without_the_permission_get_an_empty_badge_that_stops_polling(staff_client):
    unread_text(CustomerFactory())

    answer = staff_client(Permission.VIEW_ORDERS).get(reverse("dashboard:message_unread_badge"))

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "data-unread" not in html and "hx-get" not in html


def test_every_dashboard_page_asks_for_the_badge_at_once(staff_client):
    page = staff_client(Permission.MESSAGE_CUSTOMERS).get(reverse("dashboard:home"))

    html = page.content.decode()
    assert f'hx-get="{reverse("dashboard:message_unread_badge")}"' in html
    assert 'hx-trigger="load, every 20s"' in html
