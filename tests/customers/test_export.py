"""CSV export of the filtered customer directory."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from comptoir.customers.csv_columns import Reader
from comptoir.customers.models import AddressRole, Customer, CustomerAddress, CustomerKind
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/export.csv"


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_the_filtered_list_as_csv(staff_client):
    location = LocationFactory(name="Paris")
    helene = ShopperFactory(first_name="Hélène", last_name="Martin", email="helene@example.com")
    order_for(helene, location, total=1250)
    CustomerFactory(first_name="Paul", last_name="Durand")
    client = staff_client(Permission.VIEW_CUSTOMERS, user__language="en")

    response = client.get(URL, {"q": "helene"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header[:4] == ["First name", "Last name", "Email", "Phone"]
    assert len(rows) == 1
    assert rows[0][:5] == ["Hélène", "Martin", "helene@example.com", "", "yes"]
    assert rows[0][6:8] == ["1", "1250"]
    assert rows[0][9] == "Paris"


def test_export_uses_the_same_filters_as_the_list(staff_client):
    ShopperFactory(first_name="With", last_name="Account")
    CustomerFactory(first_name="Without", last_name="Account")
    client = staff_client(Permission.VIEW_CUSTOMERS)

    _header, *rows = rows_of(client.get(URL, {"account": "no"}))

    assert [row[0] for row in rows] == ["Without"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_prefixed(staff_client, start):
    CustomerFactory(first_name=f"{start}HYPERLINK(1)", last_name="Evil")
    client = staff_client(Permission.VIEW_CUSTOMERS)

    _header, row = rows_of(client.get(URL))

    assert row[0] == f"'{start}HYPERLINK(1)"


def test_export_is_refused_without_view_customers(staff_client):
    CustomerFactory()
    response = staff_client(Permission.MANAGE_CATALOG).get(URL)

    assert response.status_code == 403


def test_export_writes_every_record_field_under_headers_the_import_reads(staff_client):
    customer = CustomerFactory(
        first_name="Agnès",
        initials="M.",
        last_name="Dubœuf",
        email="agnes@example.com",
        mobile="+33698765432",
        language="fr",
        gender="female",
        birth_date=date(1985, 1, 2),
        accepts_marketing=True,
        kind=CustomerKind.BUSINESS,
        company_name="Dubœuf & fils",
        company_id_number="73282932000074",
        chamber_of_commerce_number="RCS Paris 732 829 320",
        vat_id="FR40303265045",
        shipping_same_as_billing=False,
        pending_approval=True,
        notes="VIP",
    )
    CustomerAddress.objects.create(
        customer=customer,
        role=AddressRole.BILLING,
        country="FR",
        line1="rue des Martyrs",
        house_number="12",
        postal_code="75009",
        city="Paris",
    )
    CustomerAddress.objects.create(
        customer=customer,
        role=AddressRole.SHIPPING,
        country="FR",
        line1="3 quai Rambaud",
        postal_code="69002",
        city="Lyon",
    )
    client = staff_client(Permission.VIEW_CUSTOMERS, user__language="en")

    header, row = rows_of(client.get(URL))

    cells = dict(zip(header, row, strict=True))
    assert cells["Initials"] == "M."
    assert cells["Mobile"] == "'+33698765432"  # kept from running as a formula
    assert (cells["Language"], cells["Gender"], cells["Date of birth"]) == (
        "fr",
        "female",
        "1985-01-02",
    )
    assert (cells["Accepts promotional email"], cells["Customer type"]) == ("yes", "business")
    assert cells["Company name"] == "Dubœuf & fils"
    assert cells["Company ID number"] == "73282932000074"
    assert cells["Chamber of commerce number"] == "RCS Paris 732 829 320"
    assert cells["VAT / tax ID"] == "FR40303265045"
    assert (cells["Billing country"], cells["Billing address line 1"]) == ("FR", "rue des Martyrs")
    assert (cells["Billing house number"], cells["Billing postal code"]) == ("12", "75009")
    assert (cells["Billing city"], cells["Shipping same as billing"]) == ("Paris", "no")
    assert (cells["Shipping address line 1"], cells["Shipping city"]) == ("3 quai Rambaud", "Lyon")
    assert (cells["Pending approval"], cells["Notes"]) == ("yes", "VIP")
    reader = Reader()
    figures = {
        "Account",
        "Created",
        "Orders",
        "Total spent",
        "Last order",
        "Location of last order",
    }
    assert [name for name in header if reader.column_for(name) is None] == [
        name for name in header if name in figures
    ]


def test_export_query_count_does_not_grow_with_the_customers(staff_client, count_queries):
    client = staff_client(Permission.VIEW_CUSTOMERS)

    def export_with(customers: int) -> int:
        for _n in range(customers):
            customer = CustomerFactory()
            for role in AddressRole.values:
                CustomerAddress.objects.create(
                    customer=customer,
                    role=role,
                    country="FR",
                    line1="1 rue X",
                    postal_code="75009",
                    city="Paris",
                )
        with count_queries() as counter:
            response = client.get(URL)
            rows = rows_of(response)
        assert len(rows) == Customer.objects.count() + 1
        return counter.count

    export_with(0)  # the first request also loads the session, the shop...
    assert export_with(2) == export_with(10)
