"""The back-office profile of one customer record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from comptoir.accounts.models import ContactPhone, SavedAddress, SavedCard
from comptoir.orders.models import OrderSource, OrderState
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db


def url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/"


def test_profile_lists_every_order_with_totals_without_cancelled_revenue(staff_client):
    location = LocationFactory()
    customer = CustomerFactory(first_name="Hélène", last_name="Martin")
    first = order_for(customer, location, total=1000, placed_at=datetime(2026, 1, 5, tzinfo=UTC))
    order_for(customer, location, total=3000, source=OrderSource.COUNTER)
    order_for(
        customer,
        location,
        total=9900,
        state=OrderState.CANCELLED,
        placed_at=datetime(2026, 11, 30, tzinfo=UTC),
    )
    client = staff_client(Permission.VIEW_CUSTOMERS)

    response = client.get(url(customer))

    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals.count == 3
    assert totals.total_spent == 4000
    assert totals.average == 2000
    assert totals.first_at == first.placed_at
    assert len(response.context["orders"]) == 3
    html = response.content.decode()
    assert first.number in html


@pytest.mark.parametrize(
    ("make", "status", "label"),
    [
        (lambda: CustomerFactory(), "none", "No account"),
        (lambda: ShopperFactory(), "active", "Active"),
        (lambda: CustomerFactory(account_deleted_at=timezone.now()), "deleted", "Deleted"),
    ],
)
def test_profile_shows_the_account_status(staff_client, make, status, label):
    customer = make()
    response = staff_client(Permission.VIEW_CUSTOMERS, user__language="en").get(url(customer))

    assert response.context["account_status"] == status
    assert label in response.content.decode()


def test_saved_cards_addresses_and_contacts_are_shown_read_only(staff_client):
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
    ContactPhone.objects.create(customer=customer, number="+33698765432")

    response = staff_client(Permission.MANAGE_CUSTOMERS).get(url(customer))

    html = response.content.decode()
    assert "Visa •••• 4242" in html
    assert "12 rue des Lilas" in html
    assert "+33698765432" in html
    # Shown as text only: nothing on the page lets the merchant edit them.
    forms = "".join(part.split("</form>", 1)[0] for part in html.split("<form")[1:])
    assert "rue des Lilas" not in forms
    assert "4242" not in forms
    assert "+33698765432" not in forms


def test_staff_limited_to_other_locations_cannot_open_the_profile(staff_client):
    paris, lyon = LocationFactory(), LocationFactory()
    customer = CustomerFactory()
    order_for(customer, lyon)
    client = staff_client(Permission.VIEW_CUSTOMERS, locations=[paris])

    assert client.get(url(customer)).status_code == 404


def test_profile_is_refused_without_view_customers(staff_client):
    customer = CustomerFactory(first_name="Secret")
    response = staff_client(Permission.MANAGE_CATALOG).get(url(customer))

    assert response.status_code == 403
    assert "Secret" not in response.content.decode()
