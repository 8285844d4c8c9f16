"""Approving a customer record pending approval from the back office: the profile shows
a badge and an "Approve" button (with a confirmation step); approving emails the
customer, is in the timeline, and lets them sign in at /account/login/, which refused
them before. Unticking "pending approval" on the edit page approves too."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from comptoir.customers.models import CustomerEvent, EventKind
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.customers.test_record_form import record_data
from tests.factories import PASSWORD, CustomerFactory, ShopperFactory

pytestmark = pytest.mark.django_db

AWAITS = "Your account awaits the shop&#x27;s approval."


@pytest.fixture(autouse=True)
def _accounts_on(english_shop):
    """The storefront in English with customer accounts turned on (tests/accounts)."""
    shop = get_shop()
    shop.customer_accounts_enabled = True
    shop.save(update_fields=["customer_accounts_enabled"])


@pytest.fixture
def manager(staff_client):
    return staff_client(Permission.MANAGE_CUSTOMERS, user__language="en")


def approve_url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/approve/"


def sign_in(email: str) -> tuple[Client, str]:
    client = Client()
    response = client.post("/account/login/", {"email": email, "password": PASSWORD})
    return client, response.content.decode()


def test_pending_customer_cannot_sign_in_and_is_told_the_account_awaits_approval():
    ShopperFactory(email="lea@example.com", pending_approval=True)

    client, page = sign_in("lea@example.com")

    assert client.session.get(SESSION_KEY) is None
    assert AWAITS in page


def test_profile_of_a_pending_customer_shows_a_badge_and_the_approve_button(manager):
    customer = ShopperFactory(pending_approval=True)

    response = manager.get(f"/dashboard/customers/{customer.pk}/")

    html = response.content.decode()
    assert response.context["account_status"] == "pending"
    assert 'id="pending-badge"' in html
    assert approve_url(customer) in html


def test_profile_of_an_approved_customer_has_no_approve_button(manager):
    customer = ShopperFactory()

    html = manager.get(f"/dashboard/customers/{customer.pk}/").content.decode()

    assert approve_url(customer) not in html
    assert 'id="pending-badge"' not in html


def test_get_is_a_confirmation_step_that_changes_nothing(manager):
    customer = ShopperFactory(email="lea@example.com", pending_approval=True)

    response = manager.get(approve_url(customer))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" in html and "lea@example.com" in html
    customer.refresh_from_db()
    assert customer.pending_approval
    assert not OutgoingEmail.objects.exists()


def test_approving_emails_the_customer_shows_in_the_timeline_and_lets_them_sign_in(manager):
    customer = ShopperFactory(email="lea@example.com", first_name="Léa", pending_approval=True)
    refused, page = sign_in("lea@example.com")
    assert refused.session.get(SESSION_KEY) is None
    assert AWAITS in page

    response = manager.post(approve_url(customer))

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert not customer.pending_approval
    email = OutgoingEmail.objects.get(kind="account_approved")
    assert email.to_address == "lea@example.com"
    assert "Léa" in email.text_body
    event = CustomerEvent.objects.get(customer=customer, kind=EventKind.APPROVED)
    assert event.actor == manager.member
    profile = manager.get(response["Location"])
    timeline = profile.context["timeline"]
    assert {(entry.kind, entry.email or entry.event) for entry in timeline} == {
        ("email", email),
        ("event", event),
    }
    html = profile.content.decode()
    assert "Account approved" in html
    assert email.subject in html
    assert "Approved: the customer was told by email." in html
    assert profile.context["account_status"] == "active"

    client, _page = sign_in("lea@example.com")
    assert client.session.get(SESSION_KEY) == str(customer.user.pk)


def test_unticking_pending_approval_in_the_edit_form_approves(manager):
    customer = ShopperFactory(email="helene@example.com", pending_approval=True)
    assert sign_in("helene@example.com")[0].session.get(SESSION_KEY) is None

    response = manager.post(f"/dashboard/customers/{customer.pk}/edit/", record_data())

    assert response.status_code == 302
    customer.refresh_from_db()
    assert not customer.pending_approval
    assert OutgoingEmail.objects.filter(
        kind="account_approved", to_address="helene@example.com"
    ).exists()
    assert CustomerEvent.objects.filter(customer=customer, kind=EventKind.APPROVED).exists()
    assert sign_in("helene@example.com")[0].session.get(SESSION_KEY) == str(customer.user.pk)


def test_ticking_pending_approval_in_the_edit_form_stops_sign_in(manager):
    customer = ShopperFactory(email="helene@example.com")

    manager.post(f"/dashboard/customers/{customer.pk}/edit/", record_data(pending_approval="on"))

    customer.refresh_from_db()
    assert customer.pending_approval
    assert AWAITS in sign_in("helene@example.com")[1]
    assert not OutgoingEmail.objects.filter(kind="account_approved").exists()


def test_approving_a_record_that_is_not_pending_does_nothing(manager):
    customer = ShopperFactory()

    response = manager.post(approve_url(customer))

    assert response.status_code == 302
    assert not OutgoingEmail.objects.exists()
    assert not CustomerEvent.objects.exists()


def test_a_pending_record_without_email_is_approved_without_any_email(manager):
    customer = CustomerFactory(email=None, phone="+33612345678", pending_approval=True)

    response = manager.post(approve_url(customer))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert not customer.pending_approval
    assert not OutgoingEmail.objects.exists()


def test_a_member_who_may_only_view_customers_cannot_approve(staff_client):
    customer = ShopperFactory(email="lea@example.com", pending_approval=True)
    viewer = staff_client(Permission.VIEW_CUSTOMERS)

    assert viewer.get(approve_url(customer)).status_code == 403
    assert viewer.post(approve_url(customer)).status_code == 403

    customer.refresh_from_db()
    assert customer.pending_approval
    assert not OutgoingEmail.objects.exists()
    assert not CustomerEvent.objects.exists()
    profile = viewer.get(f"/dashboard/customers/{customer.pk}/").content.decode()
    assert approve_url(customer) not in profile
    assert AWAITS in sign_in("lea@example.com")[1]
