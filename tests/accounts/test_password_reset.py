"""Forgot password: the same answer for every email, a single-use link valid 24 hours,
a clear page with a new-link form when it is expired or spent, rate limited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client

from comptoir.mail.models import OutgoingEmail
from tests.factories import PASSWORD, TeamMemberFactory

NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "galette-des-rois-2027"
LINK = re.compile(r"https?://[^\s\"<]+/account/password/reset/[^\s\"<]+/")


def ask_link(client, email):
    return client.post("/account/password/forgot/", {"email": email})


def emailed_link(email="lea@example.com") -> str:
    message = OutgoingEmail.objects.filter(kind="password_reset", to_address=email).latest("pk")
    match = LINK.search(message.text_body)
    assert match, message.text_body
    return urlsplit(match.group(0)).path


def set_password(client, link, password=NEW_PASSWORD):
    return client.post(link, {"password": password})


def can_sign_in(email, password) -> bool:
    client = Client()
    client.post("/account/login/", {"email": email, "password": password})
    return client.session.get(SESSION_KEY) is not None


def test_forgot_password_answers_the_same_for_known_and_unknown_emails(client, make_shopper):
    make_shopper(email="lea@example.com")
    known = ask_link(client, "lea@example.com")
    unknown = ask_link(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password/forgot/sent/"
    sent_page = client.get(known["Location"]).content.decode()
    assert "If an account exists with this email address" in sent_page
    assert OutgoingEmail.objects.filter(kind="password_reset").count() == 1
    assert not OutgoingEmail.objects.filter(to_address="nobody@example.com").exists()


def test_reset_email_is_in_the_shoppers_language_with_a_link(client, make_shopper):
    shopper = make_shopper(email="lea@example.com", first_name="Léa")
    shopper.user.language = "fr"
    shopper.user.save(update_fields=["language"])
    ask_link(client, "LEA@example.com")
    message = OutgoingEmail.objects.get(kind="password_reset")
    assert message.language == "fr"
    assert message.to_address == "lea@example.com"
    assert "Léa" in message.text_body
    assert LINK.search(message.text_body)
    assert LINK.search(message.html_body)


def test_no_reset_email_for_a_team_login_without_customer_record(client):
    member = TeamMemberFactory()
    ask_link(client, member.user.email)
    assert not OutgoingEmail.objects.filter(kind="password_reset").exists()


def test_reset_link_sets_a_new_password_and_signs_in(client, make_shopper):
    make_shopper(email="lea@example.com")
    ask_link(client, "lea@example.com")
    link = emailed_link()
    assert client.get(link).status_code == 200
    response = set_password(client, link)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.session.get(SESSION_KEY) is not None
    assert can_sign_in("lea@example.com", NEW_PASSWORD)
    assert not can_sign_in("lea@example.com", PASSWORD)


def test_new_password_is_validated_and_the_form_says_why(client, make_shopper):
    make_shopper(email="lea@example.com")
    ask_link(client, "lea@example.com")
    link = emailed_link()
    page = set_password(client, link, "short").content.decode()
    assert "This password is too short" in page
    assert client.session.get(SESSION_KEY) is None
    # The link still works after a refused password.
    assert set_password(client, link).status_code == 302
    assert can_sign_in("lea@example.com", NEW_PASSWORD)


def test_reset_link_works_only_once(client, make_shopper):
    make_shopper(email="lea@example.com")
    ask_link(client, "lea@example.com")
    link = emailed_link()
    set_password(client, link)
    again = Client()
    response = again.get(link)
    assert response.status_code == 400
    page = response.content.decode()
    assert "has expired or has already been used" in page
    assert 'action="/account/password/forgot/"' in page
    assert set_password(again, link, "another-password-99").status_code == 400
    assert can_sign_in("lea@example.com", NEW_PASSWORD)


@contextmanager
def link_emailed_ago(client, age: dt.timedelta) -> Iterator[str]:
    """The reset link asked for lea@example.com, with the clock stopped ``age`` later."""
    with time_machine.travel(NOW, tick=False) as traveller:
        ask_link(client, "lea@example.com")
        link = emailed_link()
        traveller.shift(age)
        yield link


def test_reset_link_is_valid_until_24_hours(client, make_shopper):
    make_shopper(email="lea@example.com")
    with link_emailed_ago(client, dt.timedelta(hours=23, minutes=59)) as link:
        assert client.get(link).status_code == 200
        assert set_password(client, link).status_code == 302


def test_reset_link_expires_after_24_hours(client, make_shopper):
    make_shopper(email="lea@example.com")
    with link_emailed_ago(client, dt.timedelta(hours=24, minutes=1)) as link:
        response = client.get(link)
        assert response.status_code == 400
        assert "has expired or has already been used" in response.content.decode()
        assert set_password(client, link).status_code == 400
    assert can_sign_in("lea@example.com", PASSWORD)


def test_malformed_reset_link_says_it_no_longer_works(client):
    response = client.get("/account/password/reset/zzz/not-a-token/")
    assert response.status_code == 400
    assert "Ask for a new one" in response.content.decode()


def test_forgot_password_form_shows_bad_email_beside_the_field(client):
    page = ask_link(client, "not an email").content.decode()
    assert "Enter a valid email address" in page
    assert 'value="not an email"' in page


def test_forgot_password_is_rate_limited_per_email_the_same_for_unknown_ones(make_shopper):
    make_shopper(email="lea@example.com")
    with time_machine.travel(NOW, tick=False) as traveller:
        for email in ("lea@example.com", "nobody@example.com"):
            for n in range(5):
                client = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
                assert ask_link(client, email).status_code == 302
            refused = ask_link(Client(REMOTE_ADDR="10.0.9.9"), email)
            assert refused.status_code == 429
            assert "Too many attempts. Try again after" in refused.content.decode()
        assert OutgoingEmail.objects.filter(kind="password_reset").count() == 5
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        assert ask_link(Client(), "lea@example.com").status_code == 302
    assert OutgoingEmail.objects.filter(kind="password_reset").count() == 6


def test_forgot_password_is_rate_limited_per_address(make_shopper):
    make_shopper(email="lea@example.com")
    client = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            ask_link(client, f"guess{n}@example.com")
        assert ask_link(client, "lea@example.com").status_code == 429
    assert not OutgoingEmail.objects.filter(kind="password_reset").exists()


def test_checkout_pages_do_not_offer_forgot_password(client):
    for path in ("/cart/", "/checkout/"):
        response = client.get(path)
        if response.status_code == 200:
            assert "/account/password/forgot/" not in response.content.decode()
