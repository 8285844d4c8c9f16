"""The fixed part of every signed-in dashboard request: four reads (the shop, the
session, the user, the team member) and no write when nothing changed, with every
check still made on each request (the session's password hash, an inactive user, a
deactivated member)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User

pytestmark = pytest.mark.django_db


def _tables(queries: list[dict]) -> list[str]:
    return [query["sql"].split(" FROM ", 1)[-1].split(" ", 1)[0] for query in queries]


def test_a_dashboard_request_reads_shop_session_user_and_member_once(staff_client):
    client = staff_client(Permission.MESSAGE_CUSTOMERS, user__language="en")
    url = reverse("dashboard:message_unread_badge")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    fixed = _tables(queries.captured_queries)[:4]
    assert fixed == ['"shop_shop"', '"django_session"', '"users_user"', '"team_teammember"']
    # One statement of the badge's own after them; nothing read twice.
    assert len(queries.captured_queries) == 5


def test_a_read_only_dashboard_page_does_not_write_the_session(staff_client):
    client = staff_client(Permission.VIEW_ORDERS, user__language="en")
    url = reverse("dashboard:home")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not [
        query
        for query in queries.captured_queries
        if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
    ]


def test_a_password_changed_elsewhere_ends_the_dashboard_session(staff_client):
    client = staff_client(Permission.VIEW_ORDERS, user__language="en")
    url = reverse("dashboard:home")
    assert client.get(url).status_code == 200

    user = User.objects.get(pk=client.member.user_id)
    user.set_password("an entirely new password 42")
    user.save()

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))
    assert not Session.objects.filter(
        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
    ).exists()


def test_a_tampered_session_hash_is_refused(staff_client):
    client = staff_client(Permission.VIEW_ORDERS, user__language="en")
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()

    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))


def test_an_inactive_user_is_signed_out_on_the_next_request(staff_client):
    client = staff_client(Permission.VIEW_ORDERS, user__language="en")
    assert client.get(reverse("dashboard:home")).status_code == 200

    User.objects.filter(pk=client.member.user_id).update(is_active=False)

    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))


def test_a_deactivated_member_is_refused_on_a_cheap_page_too(staff_client):
    client = staff_client(Permission.MESSAGE_CUSTOMERS, user__language="en")
    url = reverse("dashboard:message_unread_badge")
    assert client.get(url).status_code == 200

    TeamMember.objects.filter(pk=client.member.pk).update(is_active=False)

    assert client.get(url).status_code == 403


def test_the_base_page_writes_the_unread_badge_as_its_template_does(staff_client):
    client = staff_client(Permission.MESSAGE_CUSTOMERS, user__language="en")
    page = client.get(reverse("dashboard:home")).content.decode()

    badge = render_to_string("dashboard/messages/_unread_badge.html", {})
    assert badge.startswith('<span id="messages-unread" hx-get=')
    assert f"  {badge}\n" in page  # the same bytes, its last line break included
    assert page.count('id="messages-unread"') == 1
