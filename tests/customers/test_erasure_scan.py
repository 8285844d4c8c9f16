"""Erasure leaves no personal data anywhere: a customer who touched everything (record
with every CRM field, account with sessions, failed sign-ins, saved address, phone,
email and card, orders placed through the real checkout, a donation, emails sent and
one still queued with its task) is erased from the dashboard, then every table of the
database is read back, every row stringified (sessions decoded), and none of the
markers planted in their personal fields may remain.

Transactional (the worker runs for real, as in production): works on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from collections.abc import Sequence
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.accounts.models import GatewayCustomer, SavedCard, TermsAcceptance
from comptoir.checkout.models import Cart
from comptoir.customers.models import (
    Customer,
    CustomerErasure,
    CustomerKind,
    Gender,
)
from comptoir.customers.services.records import update_customer
from comptoir.mail.models import EmailStatus, OutgoingEmail
from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderState
from comptoir.payments.models import TestCardToken
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from tests.checkout.checkout_helpers import card_token, checkout_form, fill_cart, shop_location
from tests.checkout.factories import CartFactory, CartLineFactory
from tests.factories import TeamMemberFactory
from tests.jobs.fixtures import _reset_test_tasks, run_worker  # noqa: F401
from tests.orders.factories import stocked

PASSWORD = "tarte-tatin-1926"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient, as SMTP says it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            raise smtplib.SMTPRecipientsRefused(
                {to: (550, b"5.1.1 mailbox unavailable") for to in message.recipients()}
            )
        return 0


def digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


class Markers:
    """A unique word per test run (planted, with a suffix naming the field, in every text
    field) and unique phone numbers (digits only: scanned as digits)."""

    def __init__(self) -> None:
        self.word = f"zq7{secrets.token_hex(5)}"
        # 06 + these: French mobile numbers (061… is a valid range whatever follows).
        self.phone = f"1{digits(7)}"  # checkout
        self.mobile = f"1{digits(7)}"  # CRM record
        self.contact_phone = f"1{digits(7)}"  # account page

    def __call__(self, field: str) -> str:
        return f"{self.word}{field}"

    @property
    def email(self) -> str:
        return f"{self.word}@example.com"

    def all(self) -> list[str]:
        return [self.word, self.phone, self.mobile, self.contact_phone]


def database_text() -> dict[str, list[str]]:
    """Every row of every table, as lower-cased text; sessions decoded first (their
    data is signed and encoded)."""
    store = SessionStore()
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # The table names come from the database itself, quoted.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = []
            for row in cursor.fetchall():
                text = " | ".join(_text(value) for value in row)
                if table == Session._meta.db_table:
                    text += f" | {store.decode(row[1])}"
                rows.append(text.lower())
            found[table] = rows
    return found


def _text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def occurrences(markers: list[str]) -> list[str]:
    return [
        f"{table}: {row[:300]}"
        for table, rows in database_text().items()
        for row in rows
        if any(marker.lower() in row for marker in markers)
    ]


@pytest.fixture
def shop(transactional_db):
    shop = get_shop()
    shop.published_language = "en"
    shop.donations_enabled = True
    shop.donation_amounts = [500]
    shop.save(update_fields=["published_language", "donations_enabled", "donation_amounts"])
    return shop


def test_erasure_leaves_no_marker_in_any_table_and_keeps_the_orders(shop, run_worker, settings):  # noqa: F811
    m = Markers()
    location = shop_location()
    croissant = stocked(location, price=1000, stock=None)
    owner = TeamMemberFactory(access=Access.OWNER)
    staff = Client()
    staff.force_login(owner.user)

    # A guest checkout with delivery, who creates an account while paying (signed in).
    shopper = Client()
    fill_cart(shopper, location, (croissant, 2))
    placed = shopper.post(
        reverse("storefront:checkout"),
        checkout_form(
            shopper,
            email=m.email.upper(),
            first_name=m("First"),
            last_name=m("Last"),
            phone=f"06{m.phone}",
            sms_consent="on",
            fulfilment="delivery",
            address_line1=m("line1"),
            address_line2=m("line2"),
            postal_code="75009",
            city=m("city"),
            courier_notes=m("courier"),
            create_account="on",
            password=PASSWORD,
        ),
    )
    assert placed.status_code == 302, placed.content.decode()[:2000]
    customer = Customer.objects.get(email=m.email)
    assert customer.user is not None

    # The account: saved address, phone, additional email, a card saved at the gateway.
    shopper.post(
        reverse("storefront:account_addresses"),
        {
            "label": m("label"),
            "first_name": m("afirst"),
            "last_name": m("alast"),
            "address_line1": m("aline1"),
            "address_line2": m("aline2"),
            "postal_code": "75011",
            "city": m("acity"),
        },
    )
    shopper.post(reverse("storefront:account_phone_add"), {"number": f"06{m.contact_phone}"})
    shopper.post(reverse("storefront:account_email_add"), {"email": f"{m('work')}@example.com"})
    shopper.post(reverse("storefront:account_cards"), {"card_token": card_token()})
    card = SavedCard.objects.get(customer=customer)
    assert TestCardToken.objects.filter(token=card.reference).exists()

    # A curbside pickup signed in, paid with the saved card, then a donation with a note.
    fill_cart(shopper, location, (croissant, 1))
    curbside = checkout_form(
        shopper,
        email=m.email,
        first_name=m("First"),
        last_name=m("Last"),
        fulfilment="curbside",
        vehicle=m("vehicle"),
        card_token="",
        saved_card=str(card.pk),
    )
    assert shopper.post(reverse("storefront:checkout"), curbside).status_code == 302
    page = shopper.get(reverse("storefront:donate"))
    donation = shopper.post(
        reverse("storefront:donate"),
        {
            "idempotency_key": page.context["form"].initial["idempotency_key"],
            "amount": "5",
            "note": m("note"),
            "email": m.email,
            "first_name": m("First"),
            "card_token": card_token(),
        },
    )
    assert donation.status_code == 302
    orders = list(Order.objects.filter(customer=customer).order_by("pk"))
    assert len(orders) == 3

    # A second device signs in for real: one more session (and axes' access log).
    phone_browser = Client()
    assert (
        phone_browser.post("/account/login/", {"email": m.email, "password": PASSWORD}).status_code
        == 302
    )
    # Failed sign-ins after it (a success resets them): the storefront's own limits and
    # the dashboard's lockout (axes).
    stranger = Client()
    for _attempt in range(2):
        stranger.post("/account/login/", {"email": m.email, "password": "wrong-guess"})
        stranger.post("/dashboard/login/", {"username": m.email, "password": "wrong-guess"})
    sessions = {shopper.session.session_key, phone_browser.session.session_key}
    assert Session.objects.filter(session_key__in=sessions).count() == 2

    # The merchant's CRM record: every field, both addresses, consent given.
    update_customer(
        actor=owner,
        customer_id=customer.pk,
        fields={
            "first_name": m("First"),
            "initials": m("ini"),
            "last_name": m("Last"),
            "mobile": f"+336{m.mobile}",
            "gender": Gender.OTHER,
            "birth_date": dt.date(1990, 2, 3),
            "accepts_marketing": True,
            "kind": CustomerKind.BUSINESS,
            "company_name": m("company"),
            "company_id_number": m("coid"),
            "chamber_of_commerce_number": m("coc"),
            "vat_id": m("vat"),
            "shipping_same_as_billing": False,
            "notes": m("notes"),
        },
        billing={
            "country": "FR",
            "attention": m("battention"),
            "line1": m("bline1"),
            "house_number": "12",
            "house_number_extension": m("bext"),
            "line2": m("bline2"),
            "postal_code": "75009",
            "city": m("bcity"),
            "region": m("bregion"),
        },
        shipping={
            "country": "FR",
            "attention": m("sattention"),
            "line1": m("sline1"),
            "house_number": "3",
            "house_number_extension": "",
            "line2": "",
            "postal_code": "75010",
            "city": m("scity"),
            "region": "",
        },
    )

    # Every email so far is sent (the receipts rendered by the worker); then a password
    # link from the back office stays queued with its task.
    run_worker()
    assert not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()
    receipts = OutgoingEmail.objects.filter(kind="order_receipt")
    assert receipts.count() == 3
    assert receipts.filter(text_body__icontains=m("line1")).exists()
    # A password link the mail server refuses: its error, quoting the address, stays on
    # the outbox row and in the task's traceback until the retry. Then a second link stays
    # queued, its task ready to run.
    staff.post(reverse("dashboard:customer_password_link", args=[customer.pk]))
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    run_worker()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert OutgoingEmail.objects.filter(error__icontains=m.email).exists()
    staff.post(reverse("dashboard:customer_password_link", args=[customer.pk]))
    assert OutgoingEmail.objects.filter(status=EmailStatus.QUEUED, to_address=m.email).count() == 2
    task_results = apps.get_model("django_tasks_database", "DBTaskResult").objects
    assert task_results.filter(status="READY", traceback__icontains=m.email).exists()
    assert task_results.filter(status="READY", traceback="").exists()

    # The orders are done (no fulfilment pages yet: the state is set as they will set it).
    Fulfilment.objects.filter(order__in=orders).update(state=FulfilmentState.COMPLETED)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(state=OrderState.COMPLETED)

    login = customer.user
    assert TermsAcceptance.objects.filter(user=login).exists()
    CartLineFactory(cart=CartFactory(owner=login, location=location), product=croissant)
    assert Cart.objects.filter(owner=login).exists()
    assert GatewayCustomer.objects.filter(customer=customer).exists()

    planted = occurrences(m.all())
    tables = {row.split(":")[0] for row in planted}
    for table in (
        "customers_customer",
        "customers_customeraddress",
        "users_user",
        "accounts_savedaddress",
        "accounts_contactphone",
        "accounts_contactemail",
        "accounts_signinattempt",
        "axes_accessattempt",
        "axes_accesslog",
        "orders_order",
        "orders_fulfilment",
        "mail_outgoingemail",
        "django_tasks_database_dbtaskresult",
    ):
        assert table in tables, f"the test planted nothing in {table}"
    mail.outbox.clear()

    erased = staff.post(
        reverse("dashboard:customer_erase", args=[customer.pk]),
        {"confirmation": str(customer.pk)},
    )

    assert erased.status_code == 302, erased.content.decode()[:3000]
    assert occurrences(m.all()) == []
    # The queued email is gone and its task sends nothing.
    run_worker()
    assert mail.outbox == []
    # Cards deleted at the gateway too; the sessions are gone.
    assert not TestCardToken.objects.filter(token=card.reference).exists()
    assert not Session.objects.filter(session_key__in=sessions).exists()
    # The login's terms acceptance and cart went with it; so did the gateway reference.
    assert not TermsAcceptance.objects.filter(user_id=login.pk).exists()
    assert not Cart.objects.filter(owner_id=login.pk).exists()
    assert not GatewayCustomer.objects.exists()
    # The orders stay for the accounts, unchanged in amount, on the anonymised record.
    kept = list(Order.objects.filter(customer=customer).order_by("pk"))
    assert [(o.number, o.total, o.subtotal, o.fees) for o in kept] == [
        (o.number, o.total, o.subtotal, o.fees) for o in orders
    ]
    assert all(o.payments.exists() and o.lines.exists() for o in kept)
    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.birth_date is None
    with translation.override("en"):  # the requests above left French active
        assert str(customer) == f"Erased customer #{customer.pk}"
    record = CustomerErasure.objects.get()
    assert (record.customer_number, record.erased_by) == (customer.pk, owner)
    assert timezone.now() - record.erased_at < dt.timedelta(minutes=5)
