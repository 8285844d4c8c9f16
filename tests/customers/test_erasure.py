"""Erasing a customer's personal data from the profile: confirmation step, typed
customer number, refusals (permission, location, open orders, team login, unreachable
gateway), what the erased record and its orders look like afterwards. The
whole-database scan is in test_erasure_scan.py."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db as db_sessions
from django.db import models
from django.test import Client
from django.utils import timezone

from comptoir.accounts.models import ContactEmail, SavedAddress, SavedCard, SignInAttempt
from comptoir.accounts.services.cards import save_card
from comptoir.customers.models import (
    Customer,
    CustomerAddress,
    CustomerErasure,
    CustomerEvent,
    EventKind,
)
from comptoir.customers.services.erasure import (
    BLANK_FULFILMENT,
    BLANK_ORDER,
    BLANK_RECORD,
    KEPT_RECORD_FIELDS,
)
from comptoir.mail.models import OutgoingEmail
from comptoir.mail.services import queue_email
from comptoir.mail.tasks import send_email
from comptoir.orders.models import Fulfilment, Order, OrderState
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCardToken
from comptoir.shop.models import PaymentGateway
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from comptoir.users.models import User
from tests.customers.records import order_for
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    LocationFactory,
    ShopperFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

MANAGE = (Permission.VIEW_CUSTOMERS, Permission.MANAGE_CUSTOMERS)


def url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/erase/"


def erase(client, customer, typed=None):
    return client.post(
        url(customer), {"confirmation": str(customer.pk) if typed is None else typed}
    )


def snapshot(customer) -> tuple:
    customer.refresh_from_db()
    return (
        customer.first_name,
        customer.email,
        customer.user_id,
        customer.erased_at,
        SavedAddress.objects.filter(customer=customer).count(),
        Order.objects.filter(customer=customer, email=customer.email or "").count(),
        CustomerErasure.objects.count(),
    )


@pytest.fixture
def shopper():
    """A completed order, an account, a saved address, CRM address, timeline rows."""
    customer = ShopperFactory(email="helene@example.com", first_name="Hélène", phone="+33612345678")
    SavedAddress.objects.create(
        customer=customer, address_line1="3 rue Milton", postal_code="75009", city="Paris"
    )
    CustomerAddress.objects.create(customer=customer, role="billing", country="FR", city="Paris")
    CustomerEvent.objects.create(customer=customer, kind=EventKind.EDITED)
    order_for(customer, LocationFactory(), total=2500, state=OrderState.COMPLETED)
    return customer


def test_the_profile_offers_erasure_to_members_who_manage_customers_only(staff_client, shopper):
    manager = staff_client(*MANAGE).get(f"/dashboard/customers/{shopper.pk}/")
    viewer = staff_client(Permission.VIEW_CUSTOMERS).get(f"/dashboard/customers/{shopper.pk}/")

    assert url(shopper) in manager.content.decode()
    assert "Erase personal data" in manager.content.decode()
    assert url(shopper) not in viewer.content.decode()


def test_the_confirmation_page_says_what_happens_and_changes_nothing(staff_client, shopper):
    before = snapshot(shopper)

    page = staff_client(*MANAGE).get(url(shopper))

    assert page.status_code == 200
    html = page.content.decode()
    assert "This cannot be undone." in html
    assert f"To confirm, type the customer number: {shopper.pk}" in html
    assert 'name="confirmation"' in html
    assert snapshot(shopper) == before


@pytest.mark.parametrize("typed", ["", "ERASE", "0"])
def test_a_wrong_confirmation_is_refused_and_nothing_changes(staff_client, shopper, typed):
    before = snapshot(shopper)

    answer = erase(staff_client(*MANAGE), shopper, typed)

    assert answer.status_code == 400
    assert snapshot(shopper) == before


def test_a_member_who_only_views_customers_is_refused_and_nothing_changes(staff_client, shopper):
    client = staff_client(Permission.VIEW_CUSTOMERS)
    before = snapshot(shopper)

    assert client.get(url(shopper)).status_code == 403
    assert erase(client, shopper).status_code == 403
    assert snapshot(shopper) == before


def test_a_member_limited_to_other_locations_cannot_erase_a_customer_they_cannot_see(
    staff_client, shopper
):
    client = staff_client(*MANAGE, locations=[LocationFactory()])
    before = snapshot(shopper)

    assert client.get(url(shopper)).status_code == 404
    assert erase(client, shopper).status_code == 404
    assert snapshot(shopper) == before


def test_a_member_of_the_orders_location_can_erase(staff_client, shopper):
    location = shopper.orders.get().location
    client = staff_client(*MANAGE, locations=[location])

    assert erase(client, shopper).status_code == 302
    shopper.refresh_from_db()
    assert shopper.erased_at is not None


def test_erasing_blanks_the_record_deletes_the_account_and_records_who_and_when(
    staff_client, shopper
):
    client = staff_client(*MANAGE)
    login_id = shopper.user_id
    order = shopper.orders.get()

    answer = erase(client, shopper)

    assert answer.status_code == 302 and answer["Location"] == "/dashboard/customers/"
    shopper.refresh_from_db()
    assert shopper.erased_at is not None and shopper.account_deleted_at is not None
    for field, value in BLANK_RECORD.items():
        assert getattr(shopper, field if field != "user" else "user_id") == value, field
    assert not User.objects.filter(pk=login_id).exists()
    for model in (SavedAddress, CustomerAddress, CustomerEvent):
        assert not model.objects.filter(customer=shopper).exists(), model
    order.refresh_from_db()
    assert (order.email, order.first_name, order.account_id, order.total) == ("", "", None, 2500)
    erasure = CustomerErasure.objects.get()
    assert (erasure.customer_number, erasure.erased_by) == (shopper.pk, client.member)
    assert "is erased" in client.get("/dashboard/customers/").content.decode()


def test_the_profile_and_the_directory_show_the_anonymised_record(staff_client, shopper):
    client = staff_client(*MANAGE)
    erase(client, shopper)

    profile = client.get(f"/dashboard/customers/{shopper.pk}/").content.decode()
    directory = client.get("/dashboard/customers/").content.decode()

    assert f"Erased customer #{shopper.pk}" in profile
    assert "Personal data erased on" in profile
    assert "Hélène" not in profile and "helene@example.com" not in profile
    assert url(shopper) not in profile  # nothing left to erase
    assert f"Erased customer #{shopper.pk}" in directory
    assert "helene@example.com" not in directory
    assert client.get(url(shopper)).context["refusal"] == (
        "This customer's personal data is already erased."
    )
    assert erase(client, shopper).status_code == 409
    assert CustomerErasure.objects.count() == 1


def test_an_erased_record_cannot_be_edited(staff_client, shopper):
    client = staff_client(*MANAGE)
    erase(client, shopper)
    edit = f"/dashboard/customers/{shopper.pk}/edit/"

    assert edit not in client.get(f"/dashboard/customers/{shopper.pk}/").content.decode()
    assert client.get(edit)["Location"] == f"/dashboard/customers/{shopper.pk}/"
    answer = client.post(edit, {"first_name": "Back", "kind": "personal", "billing-country": "FR"})
    assert answer.status_code == 302
    shopper.refresh_from_db()
    assert shopper.first_name == ""


def test_the_erased_customer_cannot_sign_in_and_their_session_ends(staff_client, shopper):
    browser = Client()
    browser.post("/account/login/", {"email": "helene@example.com", "password": PASSWORD})
    assert browser.session.get(SESSION_KEY)

    erase(staff_client(*MANAGE), shopper)

    assert browser.get("/account/").status_code == 302  # to the sign-in page
    again = Client()
    answer = again.post("/account/login/", {"email": "helene@example.com", "password": PASSWORD})
    assert answer.status_code != 302
    assert again.session.get(SESSION_KEY) is None


def test_erasure_is_refused_while_an_order_is_open(staff_client, shopper):
    order_for(shopper, LocationFactory(), state=OrderState.OPEN)
    open_order = shopper.orders.get(state=OrderState.OPEN)
    client = staff_client(*MANAGE)
    before = snapshot(shopper)

    page = client.get(url(shopper))
    answer = erase(client, shopper)

    assert open_order.number in page.content.decode()
    assert 'name="confirmation"' not in page.content.decode()
    assert answer.status_code == 409
    assert "still needs their contact details" in answer.context["refusal"]
    assert snapshot(shopper) == before


def test_erasure_is_refused_when_the_login_belongs_to_a_team_member(staff_client, shopper):
    TeamMemberFactory(user=shopper.user, access=Access.FULL)
    before = snapshot(shopper)

    answer = erase(staff_client(*MANAGE), shopper)

    assert answer.status_code == 409
    assert "belongs to the shop's team" in answer.context["refusal"]
    assert snapshot(shopper) == before


def test_cards_are_deleted_at_the_gateway(staff_client, shopper):
    card = save_card(
        customer=shopper,
        gateway=TestGateway(),
        card_token=tokenize_test_card("4242424242424242", 12, 2040, "123"),
    )

    erase(staff_client(*MANAGE), shopper)

    assert not SavedCard.objects.filter(pk=card.pk).exists()
    assert not TestCardToken.objects.filter(token=card.reference).exists()


def test_with_cards_and_no_reachable_gateway_nothing_is_erased(staff_client, shopper, settings):
    save_card(
        customer=shopper,
        gateway=TestGateway(),
        card_token=tokenize_test_card("4242424242424242", 12, 2040, "123"),
    )
    shop = get_shop()
    shop.payment_gateway = PaymentGateway.STRIPE
    shop.save(update_fields=["payment_gateway"])
    settings.STRIPE_SECRET_KEY = ""
    before = snapshot(shopper)

    answer = erase(staff_client(*MANAGE), shopper)

    assert answer.status_code == 502
    assert "nothing was erased" in answer.content.decode()
    assert snapshot(shopper) == before
    assert SavedCard.objects.filter(customer=shopper).exists()


def test_emails_to_any_of_the_customers_addresses_go_and_others_stay(staff_client, shopper):
    ContactEmail.objects.create(customer=shopper, email="work@example.com")
    for to in ("HELENE@example.com", "work@example.com", "someone.else@example.com"):
        queue_email(to=to, subject="Hello", text="Hello", language="fr")
    SignInAttempt.objects.create(kind="sign_in", email="helene@example.com", at=shopper.created_at)
    SignInAttempt.objects.create(kind="sign_in", email="other@example.com", at=shopper.created_at)

    erase(staff_client(*MANAGE), shopper)

    assert list(OutgoingEmail.objects.values_list("to_address", flat=True)) == [
        "someone.else@example.com"
    ]
    assert list(SignInAttempt.objects.values_list("email", flat=True)) == ["other@example.com"]


def test_other_customers_and_their_orders_are_untouched(staff_client, shopper):
    other = CustomerFactory(first_name="Camille", email="camille@example.com")
    order = order_for(other, LocationFactory(), state=OrderState.COMPLETED)

    erase(staff_client(*MANAGE), shopper)

    other.refresh_from_db()
    order.refresh_from_db()
    assert (other.first_name, other.email, other.erased_at) == (
        "Camille",
        "camille@example.com",
        None,
    )
    assert order.email == "camille@example.com"


# -- the lists of fields stay complete when models grow ---------------------------------


def _text_fields(model) -> set[str]:
    return {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    }


def test_every_field_of_the_record_is_either_blanked_or_kept_on_purpose():
    names = {field.name for field in Customer._meta.concrete_fields}

    assert names - set(BLANK_RECORD) - KEPT_RECORD_FIELDS == set()
    assert set(BLANK_RECORD) <= names


def test_every_free_text_field_of_orders_is_either_blanked_or_known_not_personal():
    # Kept: the order number, secrets rotated or random (status link, idempotency key),
    # the words of the SMS consent box as shown, the currency, the code of the coupon used
    # (used coupons stay, as the shop's record of the discount); the fulfilment's carrier,
    # table and the shop's reason for cancelling.
    kept_order = {
        "number",
        "idempotency_key",
        "status_token",
        "sms_consent_text",
        "currency",
        "discount_code",
    }
    kept_fulfilment = {"carrier", "table_label", "country", "cancel_reason"}

    assert _text_fields(Order) - kept_order == set(BLANK_ORDER) - {"account"}
    assert _text_fields(Fulfilment) - kept_fulfilment == set(BLANK_FULFILMENT)


def test_the_session_engine_is_the_database_one_the_erasure_reads():
    # Django's database store, or comptoir.session_store (the same table and encoding).
    engine = import_module(settings.SESSION_ENGINE)
    assert issubclass(engine.SessionStore, db_sessions.SessionStore)


def test_send_task_results_of_the_erased_emails_go_unless_a_worker_is_running_them(
    staff_client, shopper
):
    ours = queue_email(to="helene@example.com", subject="Hi", text="Hi", language="fr")
    other = queue_email(to="other@example.com", subject="Hi", text="Hi", language="fr")
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects

    def result(email, status):
        return results.create(
            status=status,
            args_kwargs={"args": [email.pk], "kwargs": {}},
            task_path=send_email.module_path,
            backend_name="default",
            queue_name="email",
            run_after=timezone.now(),
            exception_class_path="smtplib.SMTPRecipientsRefused",
            traceback="SMTPRecipientsRefused: {'helene@example.com': (550, b'no')}",
        )

    ready, running, kept = result(ours, "READY"), result(ours, "RUNNING"), result(other, "READY")

    erase(staff_client(*MANAGE), shopper)

    assert set(results.values_list("pk", flat=True)) == {running.pk, kept.pk}
    assert not results.filter(pk=ready.pk).exists()
