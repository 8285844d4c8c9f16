"""A record pending the shop's approval cannot be signed in to by any door: the sign-in
page, a password reset link, an invitation link, or a session opened before the shop put
the record on hold. Each says the account awaits approval."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from comptoir.customers.models import Customer
from comptoir.mail.models import OutgoingEmail
from comptoir.team.permissions import Permission
from tests.factories import PASSWORD, CustomerFactory, ShopperFactory

pytestmark = pytest.mark.django_db

AWAITS = "awaits the shop&#x27;s approval"
NEW_PASSWORD = "galette-des-rois-2027"
LINK = re.compile(r"https?://[^\s\"<]+/account/(?:password/reset|invitation)/[^\s\"<]+/")


def emailed_link(kind: str) -> str:
    message = OutgoingEmail.objects.filter(kind=kind).latest("pk")
    match = LINK.search(message.text_body)
    assert match, message.text_body
    return urlsplit(match.group(0)).path


def test_sign_in_page_refuses_a_pending_record_and_says_why(english_shop):
    ShopperFactory(email="lea@example.com", pending_approval=True)
    client = Client()

    response = client.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})

    assert response.status_code in (200, 403)
    assert AWAITS in response.content.decode()
    assert client.session.get(SESSION_KEY) is None


def test_a_wrong_password_on_a_pending_record_says_nothing_about_approval(english_shop):
    ShopperFactory(email="lea@example.com", pending_approval=True)

    response = Client().post("/account/login/", {"email": "lea@example.com", "password": "nope"})

    assert AWAITS not in response.content.decode()
    assert "incorrect" in response.content.decode()


def test_reset_link_of_a_pending_record_changes_the_password_without_signing_in(
    english_shop, staff_client
):
    customer = ShopperFactory(email="lea@example.com", pending_approval=True)
    staff_client(Permission.MANAGE_CUSTOMERS).post(
        f"/dashboard/customers/{customer.pk}/password-link/"
    )
    link = emailed_link("password_reset")
    shopper = Client()

    response = shopper.post(link, {"password": NEW_PASSWORD}, follow=True)

    assert shopper.session.get(SESSION_KEY) is None
    assert response.request["PATH_INFO"] == "/account/login/"
    assert AWAITS in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.check_password(NEW_PASSWORD)


def test_invitation_of_a_pending_record_creates_the_account_without_signing_in(
    english_shop, staff_client
):
    customer = CustomerFactory(email="guest@example.com", pending_approval=True)
    staff_client(Permission.MANAGE_CUSTOMERS).post(
        f"/dashboard/customers/{customer.pk}/password-link/"
    )
    link = emailed_link("account_invitation")
    invited = Client()

    response = invited.post(link, {"password": NEW_PASSWORD}, follow=True)

    assert invited.session.get(SESSION_KEY) is None
    assert AWAITS in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).user is not None


def test_a_session_opened_before_the_hold_is_signed_out_of_the_account_pages(english_shop):
    customer = ShopperFactory(email="lea@example.com")
    shopper = Client()
    shopper.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})
    assert shopper.get("/account/").status_code == 200
    Customer.objects.filter(pk=customer.pk).update(pending_approval=True)

    response = shopper.get("/account/", follow=True)

    assert response.request["PATH_INFO"] == "/account/login/"
    assert AWAITS in response.content.decode()
    assert shopper.session.get(SESSION_KEY) is None
