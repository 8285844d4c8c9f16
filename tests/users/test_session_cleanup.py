"""The worker's daily cleanup deletes the sessions past their expiry and keeps the
others: a member still signed in stays signed in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from comptoir.users.tasks import forget_expired_sessions
from tests.factories import PASSWORD, ShopperFactory

pytestmark = pytest.mark.django_db


def signed_in_client(email: str) -> Client:
    ShopperFactory(email=email)
    client = Client()
    assert client.post("/account/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_expired_sessions_are_deleted_and_live_ones_kept():
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        gone = signed_in_client("old@example.com")
    later = start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 3600)
    with time_machine.travel(later - dt.timedelta(hours=2), tick=False):
        kept = signed_in_client("recent@example.com")
    assert Session.objects.count() == 2

    with time_machine.travel(later, tick=False):
        assert forget_expired_sessions.call() == 1
        assert kept.get("/account/").status_code == 200

    remaining = Session.objects.get()
    assert remaining.session_key == kept.cookies[settings.SESSION_COOKIE_NAME].value
    assert gone.cookies[settings.SESSION_COOKIE_NAME].value != remaining.session_key
