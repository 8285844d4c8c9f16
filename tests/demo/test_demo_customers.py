"""The demo's customer records: some fifty people and companies typed in through the
record form and service, accents in names, business details, notes, one record pending
approval with an account that cannot sign in yet."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from comptoir.customers.models import (
    AddressRole,
    Customer,
    CustomerAddress,
    CustomerEvent,
    CustomerKind,
    EventKind,
    MarketingConsentChange,
)
from comptoir.customers.validation import clean_vat_id
from comptoir.demo import content
from comptoir.demo.customers import PENDING, customer_specs, seed_customers
from comptoir.demo.seed import seed_demo
from comptoir.team.models import TeamMember
from comptoir.users.models import User

pytestmark = pytest.mark.django_db

AWAITS = "awaits the shop&#x27;s approval"


def customers_in(response):
    return [row.customer for row in response.context["rows"]]


def seed(owner: TeamMember) -> dict[str, int]:
    created: dict[str, int] = {}
    seed_customers(owner=owner, created=created, report=lambda line: None)
    return created


def demo_customers():
    emails = [spec["fields"]["email"] for spec in customer_specs()]
    return Customer.objects.filter(email__in=emails)


def test_the_seed_creates_some_fifty_records_of_both_types_with_accents_and_notes(owner):
    created = seed(owner)

    records = demo_customers()
    assert 45 <= records.count() <= 60
    assert created["customers"] == records.count() == len(customer_specs())
    business = records.filter(kind=CustomerKind.BUSINESS)
    assert business.count() >= 8
    assert records.filter(kind=CustomerKind.PERSONAL).count() >= 30
    names = {customer.full_name for customer in records}
    assert {"Hélène Martin", "Zoé Lefèvre", "François Gérard", "Agnès Dubœuf"} <= names
    assert records.exclude(notes="").count() >= 10
    assert records.filter(accepts_marketing=True).count() >= 10
    # Every record went through the service: timeline row and consent history.
    assert CustomerEvent.objects.filter(customer__in=records, kind=EventKind.CREATED).count() == (
        records.count()
    )
    assert MarketingConsentChange.objects.filter(customer__in=records).count() == (
        records.filter(accepts_marketing=True).count()
    )


def test_business_records_carry_company_details_and_valid_eu_vat_ids(owner):
    seed(owner)

    business = demo_customers().filter(kind=CustomerKind.BUSINESS)
    assert all(customer.company_name for customer in business)
    vat_ids = [customer.vat_id for customer in business if customer.vat_id]
    assert len(vat_ids) >= 8
    assert {vat[:2] for vat in vat_ids} >= {"FR", "NL", "BE", "DE"}
    assert all(clean_vat_id(vat) == vat for vat in vat_ids)
    assert business.get(company_name="Bakkerij De Vries").record_addresses.get().country == "NL"


def test_every_record_has_a_billing_address_and_a_few_ship_elsewhere(owner):
    seed(owner)

    records = demo_customers()
    billed = CustomerAddress.objects.filter(customer__in=records, role=AddressRole.BILLING)
    assert billed.count() == records.count()
    french = billed.filter(country="FR")
    assert all(len(a.postal_code) == 5 and a.postal_code.isdigit() for a in french)
    shipping = CustomerAddress.objects.filter(customer__in=records, role=AddressRole.SHIPPING)
    assert 3 <= shipping.count() <= 10
    assert records.filter(shipping_same_as_billing=False).count() == shipping.count()


def test_exactly_one_record_is_pending_and_its_account_cannot_sign_in(owner, english_shop):
    seed(owner)

    pending = demo_customers().get(pending_approval=True)
    assert pending.email == PENDING["email"]
    assert pending.user is not None
    assert Customer.objects.filter(pending_approval=True).count() == 1
    client = Client()
    response = client.post(
        "/account/login/", {"email": PENDING["email"], "password": content.DEMO_PASSWORD}
    )
    assert AWAITS in response.content.decode()
    assert client.session.get(SESSION_KEY) is None


def test_running_the_customer_seed_twice_creates_nothing_new(owner):
    seed(owner)
    before = Customer.objects.count(), CustomerAddress.objects.count(), User.objects.count()

    created = seed(owner)

    assert (Customer.objects.count(), CustomerAddress.objects.count(), User.objects.count()) == (
        before
    )
    assert created.get("customers", 0) == 0


def test_searching_helene_without_accent_in_the_directory_finds_helene_martin(owner, signed_in):
    seed(owner)

    response = signed_in(owner).get("/dashboard/customers/", {"q": "helene"})

    assert response.status_code == 200
    assert "Hélène" in response.content.decode()
    found = [customer.full_name for customer in customers_in(response)]
    assert "Hélène Martin" in found


def test_seed_demo_seeds_the_customers_once():
    first = seed_demo(report=lambda line: None, progress=False)
    count = Customer.objects.count()

    second = seed_demo(report=lambda line: None, progress=False)

    assert first["customers"] == len(customer_specs())
    assert second["customers"] == 0
    assert Customer.objects.count() == count
    assert Customer.objects.filter(email=PENDING["email"], user__isnull=False).exists()
