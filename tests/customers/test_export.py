"""CSV export of the filtered customer directory."""

from __future__ import annotations

import csv
import io

import pytest

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
