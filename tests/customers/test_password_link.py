"""'Send password link' from the customer profile: a reset for a customer with an
account, an invitation that creates the account for one without; single use, 24 hours."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client

from comptoir.customers.models import Customer
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import PASSWORD, CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "galette-des-rois-2027"
LINK = re.compile(r"https?://[^\s\"<]+/account/(?:password/reset|invitation)/[^\s\"<]+/")


def url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/password-link/"


def emailed_link(kind: str, to: str) -> str:
    message = OutgoingEmail.objects.filter(kind=kind, to_address=to).latest("pk")
    match = LINK.search(message.text_body)
    assert match, message.text_body
    return urlsplit(match.group(0)).path


def can_sign_in(email, password) -> bool:
    client = Client()
    client.post("/account/login/", {"email": email, "password": password})
    return client.session.get(SESSION_KEY) is not None


def test_get_is_a_confirmation_step_that_sends_nothing(staff_client):
    customer = ShopperFactory(email="lea@example.com")
    client = staff_client(Permission.MANAGE_CUSTOMERS)

    response = client.get(url(customer))

    assert response.status_code == 200
    assert "<form" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_customer_with_an_account_gets_the_reset_email_whose_link_works_once(staff_client):
    customer = ShopperFactory(email="lea@example.com")
    client = staff_client(Permission.MANAGE_CUSTOMERS)

    response = client.post(url(customer))

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/customers/{customer.pk}/"
    link = emailed_link("password_reset", "lea@example.com")
    shopper = Client()
    assert shopper.get(link).status_code == 200
    assert shopper.post(link, {"password": NEW_PASSWORD}).status_code == 302
    assert can_sign_in("lea@example.com", NEW_PASSWORD)
    assert Client().get(link).status_code == 400  # spent


def test_reset_link_from_the_back_office_expires_after_24_hours(staff_client):
    customer = ShopperFactory(email="lea@example.com")
    with time_machine.travel(NOW, tick=False):
        staff_client(Permission.MANAGE_CUSTOMERS).post(url(customer))
    link = emailed_link("password_reset", "lea@example.com")

    with time_machine.travel(NOW + dt.timedelta(hours=23, minutes=59), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(hours=24, minutes=1), tick=False):
        assert Client().post(link, {"password": NEW_PASSWORD}).status_code == 400
    assert can_sign_in("lea@example.com", PASSWORD)


def test_invitation_creates_the_account_on_this_record_and_works_once(staff_client):
    customer = CustomerFactory(email="guest@example.com", first_name="Hélène")
    order_for(customer, LocationFactory())
    client = staff_client(Permission.MANAGE_CUSTOMERS)

    assert client.post(url(customer)).status_code == 302
    message = OutgoingEmail.objects.get(kind="account_invitation")
    assert message.to_address == "guest@example.com"
    assert "Hélène" in message.text_body
    link = emailed_link("account_invitation", "guest@example.com")

    invited = Client()
    assert invited.get(link).status_code == 200
    response = invited.post(link, {"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert invited.session.get(SESSION_KEY) is not None
    customer.refresh_from_db()
    assert customer.user is not None
    assert customer.user.email == "guest@example.com"
    assert Customer.objects.count() == 1
    assert can_sign_in("guest@example.com", NEW_PASSWORD)
    assert Client().get(link).status_code == 400  # spent: the record has a login now


def test_invitation_expires_after_24_hours(staff_client):
    customer = CustomerFactory(email="guest@example.com")
    with time_machine.travel(NOW, tick=False):
        staff_client(Permission.MANAGE_CUSTOMERS).post(url(customer))
    link = emailed_link("account_invitation", "guest@example.com")

    with time_machine.travel(NOW + dt.timedelta(hours=23, minutes=59), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(hours=24, minutes=1), tick=False):
        assert Client().post(link, {"password": NEW_PASSWORD}).status_code == 400
    customer.refresh_from_db()
    assert customer.user is None


def test_refused_with_a_clear_message_when_the_record_has_no_email(staff_client):
    customer = CustomerFactory(email=None, phone="+33612345678")
    client = staff_client(Permission.MANAGE_CUSTOMERS, user__language="en")

    response = client.post(url(customer))

    assert response.status_code == 400
    assert "no email address" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_refused_with_a_clear_message_when_accounts_are_turned_off(staff_client):
    shop = get_shop()
    shop.customer_accounts_enabled = False
    shop.save(update_fields=["customer_accounts_enabled"])
    customer = ShopperFactory(email="lea@example.com")
    client = staff_client(Permission.MANAGE_CUSTOMERS, user__language="en")

    response = client.post(url(customer))

    assert response.status_code == 400
    assert "accounts are turned off" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_member_who_may_only_view_customers_gets_403_and_nothing_is_sent(staff_client):
    customer = ShopperFactory(email="lea@example.com")
    client = staff_client(Permission.VIEW_CUSTOMERS)

    assert client.get(f"/dashboard/customers/{customer.pk}/").status_code == 200
    response = client.post(url(customer))

    assert response.status_code == 403
    assert not OutgoingEmail.objects.exists()
