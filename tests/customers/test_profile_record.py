"""The profile shows the merchant's record as the form groups it (company only for
business customers, the shipping address or "same as billing"), the notes, the
promotional-email consent history and a timeline of events, orders and emails, newest
first, in a constant number of queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from comptoir.accounts.models import SavedAddress, SavedCard
from comptoir.customers.events import record_event
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    CustomerAddress,
    CustomerKind,
    EventKind,
    MarketingConsentChange,
)
from comptoir.mail.services import queue_email
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.customers.test_record_form import record_data
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/"


@pytest.fixture
def manager(staff_client):
    return staff_client(Permission.MANAGE_CUSTOMERS, user__language="en")


def section(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"(.*?)</(?:dl|div|table|section)>', html, re.S)
    assert match, element_id
    return match.group(1)


def email_to(address: str, subject: str, kind: str = "order_confirmation") -> None:
    queue_email(to=address, subject=subject, text="Hello", language="en", kind=kind)


def test_a_business_profile_shows_every_field_grouped_as_in_the_form(manager):
    customer = CustomerFactory(
        first_name="Hélène",
        initials="M.",
        last_name="Martin",
        email="helene@example.com",
        pending_approval=False,
        phone="+33123456789",
        mobile="+33612345678",
        language="fr",
        gender="female",
        birth_date=datetime(1985, 4, 12).date(),
        accepts_marketing=True,
        kind=CustomerKind.BUSINESS,
        company_name="Boulangerie Hélène SARL",
        company_id_number="73282932000074",
        chamber_of_commerce_number="RCS Paris 732 829 320",
        vat_id="FR40303265045",
        shipping_same_as_billing=False,
        notes="Delivers to the back door.",
    )
    CustomerAddress.objects.create(
        customer=customer,
        role=AddressRole.BILLING,
        country="FR",
        attention="Comptabilité",
        line1="rue des Lilas",
        house_number="12",
        house_number_extension="bis",
        postal_code="75011",
        city="Paris",
    )
    CustomerAddress.objects.create(
        customer=customer,
        role=AddressRole.SHIPPING,
        country="BE",
        line1="Rue Neuve",
        house_number="7",
        line2="2e étage",
        postal_code="1000",
        city="Bruxelles",
    )

    html = manager.get(url(customer)).content.decode()

    personal = section(html, "record-personal")
    for value in ("Hélène", "M.", "Martin", "helene@example.com"):
        assert value in personal
    contact = section(html, "record-contact")
    for value in ("+33123456789", "+33612345678", "French", "Female", "Yes"):
        assert value in contact
    assert "Business" in section(html, "record-kind")
    company = section(html, "record-company")
    for value in (
        "Boulangerie Hélène SARL",
        "73282932000074",
        "RCS Paris 732 829 320",
        "FR40303265045",
    ):
        assert value in company
    billing = section(html, "record-billing")
    for value in ("Comptabilité", "rue des Lilas 12 bis", "75011 Paris", "France"):
        assert value in billing
    shipping = section(html, "record-shipping")
    for value in ("Rue Neuve 7", "2e étage", "1000 Bruxelles", "Belgium"):
        assert value in shipping
    assert "Delivers to the back door." in section(html, "record-notes")


def test_a_personal_profile_has_no_company_and_says_same_as_billing(manager):
    customer = CustomerFactory(kind=CustomerKind.PERSONAL, company_name="Left over")

    html = manager.get(url(customer)).content.decode()

    assert 'id="record-company"' not in html
    assert "Left over" not in html
    assert "Same as billing address" in section(html, "record-shipping")
    assert "Personal" in section(html, "record-kind")


def test_the_consent_history_shows_date_accepted_or_withdrawn_source_and_who(manager):
    customer = CustomerFactory()
    MarketingConsentChange.objects.create(
        customer=customer, accepts=True, source=ConsentSource.CHECKOUT, changed_at=T0
    )
    MarketingConsentChange.objects.create(
        customer=customer,
        accepts=False,
        source=ConsentSource.BACK_OFFICE,
        changed_at=T0 + timedelta(days=3),
        changed_by=manager.member,
    )

    response = manager.get(url(customer))

    changes = response.context["consent_changes"]
    assert [(c.accepts, c.source) for c in changes] == [
        (True, ConsentSource.CHECKOUT),
        (False, ConsentSource.BACK_OFFICE),
    ]
    rows = section(response.content.decode(), "consent-history").split("<tr>")[2:]
    assert "Accepted" in rows[0] and "Checkout" in rows[0] and "The customer" in rows[0]
    assert "2026" in rows[0]  # the date
    assert "Withdrawn" in rows[1] and "Back office" in rows[1]
    assert str(manager.member) in rows[1]


def test_a_consent_change_made_on_the_edit_page_reaches_the_history(manager):
    customer = CustomerFactory(email="helene@example.com")

    manager.post(f"/dashboard/customers/{customer.pk}/edit/", record_data(accepts_marketing="on"))

    html = manager.get(url(customer)).content.decode()
    history = section(html, "consent-history")
    assert "Accepted" in history and "Back office" in history
    assert str(manager.member) in history


def test_the_timeline_merges_events_orders_and_emails_newest_first(manager):
    location = LocationFactory()
    customer = ShopperFactory(email="lea@example.com")
    # The login's email differs from the record's: emails to either count.
    customer.user.email = "lea.login@example.com"
    customer.user.save(update_fields=["email"])
    with time_machine.travel(T0, tick=False):
        record_event(customer, EventKind.CREATED, actor=manager.member)
    order = order_for(customer, location, total=2350, placed_at=T0 + timedelta(hours=1))
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        email_to("LEA@example.com", "Your order T-confirmation")
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        email_to("lea.login@example.com", "Reset your password", kind="password_reset")
    with time_machine.travel(T0 + timedelta(hours=4), tick=False):
        email_to("someone.else@example.com", "Not for Léa")
        response = manager.post(
            f"/dashboard/customers/{customer.pk}/edit/",
            record_data(first_name="Léa", last_name="Durand", email="lea@example.com"),
        )
    assert response.status_code == 302

    response = manager.get(url(customer))

    entries = response.context["timeline"]
    assert [entry.kind for entry in entries] == ["event", "email", "email", "order", "event"]
    assert entries[0].event.kind == EventKind.EDITED
    assert entries[0].actor == manager.member
    assert entries[1].email.subject == "Reset your password"
    assert entries[2].email.subject == "Your order T-confirmation"
    assert entries[3].order == order
    html = section(response.content.decode(), "timeline")
    assert "Not for Léa" not in html
    edited = html.split("<li")[1]
    assert "Record edited" in edited
    for label in ("first name", "last name", "initials", "notes", "Billing address"):
        assert label in edited
    assert f"by {manager.member}" in edited
    assert "Reset your password" in html and "password_reset" in html
    assert order.number in html and "23.50" in html.replace(",", ".")
    assert "Record created" in html


def test_the_timeline_keeps_the_latest_100_entries(manager):
    location = LocationFactory()
    customer = CustomerFactory()
    for hours in range(70):
        order_for(customer, location, placed_at=T0 + timedelta(hours=hours))
    for hours in range(70):
        with time_machine.travel(T0 + timedelta(hours=hours, minutes=30), tick=False):
            record_event(customer, EventKind.EDITED, actor=None, fields=["notes"])

    entries = manager.get(url(customer)).context["timeline"]

    assert len(entries) == 100
    assert entries[0].at == T0 + timedelta(hours=69, minutes=30)
    assert entries[-1].at == T0 + timedelta(hours=20)


def test_the_profile_query_count_does_not_grow_with_orders_events_and_emails(
    manager, count_queries
):
    location = LocationFactory()

    def customer_with(n: int):
        customer = ShopperFactory()
        for i in range(n):
            order_for(customer, location, placed_at=T0 + timedelta(hours=i))
            record_event(customer, EventKind.EDITED, actor=manager.member, fields=["notes"])
            email_to(customer.email, f"Email {i}")
            MarketingConsentChange.objects.create(
                customer=customer,
                accepts=bool(i % 2),
                source=ConsentSource.BACK_OFFICE,
                changed_by=manager.member,
            )
            CustomerAddress.objects.get_or_create(
                customer=customer, role=AddressRole.BILLING, defaults={"country": "FR"}
            )
        return customer

    small, large = customer_with(1), customer_with(12)
    manager.get(url(small))  # warm the session and the shop cache

    with count_queries() as one:
        manager.get(url(small))
    with count_queries() as many:
        response = manager.get(url(large))

    assert response.status_code == 200
    assert len(response.context["timeline"]) == 36
    assert many.count == one.count


def test_saved_addresses_and_cards_of_the_account_stay_read_only(manager):
    customer = ShopperFactory()
    SavedCard.objects.create(
        customer=customer,
        gateway="test",
        gateway_account="acct",
        reference="pm_1",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2040,
    )
    SavedAddress.objects.create(
        customer=customer, address_line1="12 rue des Lilas", postal_code="75011", city="Paris"
    )

    html = manager.get(url(customer)).content.decode()

    assert "Visa •••• 4242" in html
    assert "12 rue des Lilas" in html
    saved = html.split("Saved cards", 1)[1].split('id="timeline"', 1)[0]
    assert "<a " not in saved and "<form" not in saved  # no edit link, no form
    edit_page = manager.get(f"/dashboard/customers/{customer.pk}/edit/").content.decode()
    assert "12 rue des Lilas" not in edit_page
    assert "4242" not in edit_page
