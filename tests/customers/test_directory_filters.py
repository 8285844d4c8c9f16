"""The directory's filters by customer type, promotional-email consent and pending
approval (alongside search, account, dates and location), the company name under a
business customer's name, and the CSV export following the same filters."""

from __future__ import annotations

import csv
import io

import pytest

from comptoir.customers.models import CustomerKind
from comptoir.team.permissions import Permission
from tests.customers.test_record_form import record_data
from tests.factories import CustomerFactory, ShopperFactory

pytestmark = pytest.mark.django_db

LIST = "/dashboard/customers/"
EXPORT = "/dashboard/customers/export.csv"


def customers_in(response):
    return [row.customer for row in response.context["rows"]]


@pytest.fixture
def people(db):
    return {
        "helene": CustomerFactory(
            first_name="Hélène",
            last_name="Martin",
            kind=CustomerKind.BUSINESS,
            company_name="Boulangerie Éclair",
            accepts_marketing=True,
        ),
        "paul": CustomerFactory(first_name="Paul", last_name="Durand", pending_approval=True),
        "zoe": ShopperFactory(first_name="Zoé", last_name="Bernard", accepts_marketing=True),
    }


@pytest.fixture
def viewer(staff_client):
    return staff_client(Permission.VIEW_CUSTOMERS, user__language="en")


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return sorted(customer.first_name for customer in customers_in(response))


def exported(client, **params) -> list[str]:
    response = client.get(EXPORT, params)
    body = b"".join(response.streaming_content).decode()
    _header, *rows = csv.reader(io.StringIO(body))
    return sorted(row[0] for row in rows)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Hélène", "Paul", "Zoé"]),
        ({"type": "business"}, ["Hélène"]),
        ({"type": "personal"}, ["Paul", "Zoé"]),
        ({"type": "nonsense"}, ["Hélène", "Paul", "Zoé"]),
        ({"marketing": "yes"}, ["Hélène", "Zoé"]),
        ({"marketing": "no"}, ["Paul"]),
        ({"pending": "yes"}, ["Paul"]),
        ({"pending": "no"}, ["Hélène", "Zoé"]),
        ({"pending": "no", "account": "yes"}, ["Zoé"]),
        ({"type": "personal", "marketing": "yes", "q": "zoe"}, ["Zoé"]),
    ],
)
def test_filters_narrow_the_list_and_the_csv_export_alike(viewer, people, params, expected):
    assert listed(viewer, **params) == expected
    assert exported(viewer, **params) == expected


def test_searching_a_company_name_without_accents_finds_the_business_customer(viewer, people):
    assert listed(viewer, q="eclair") == ["Hélène"]
    assert listed(viewer, q="BOULANGERIE eclair") == ["Hélène"]


def test_a_business_customer_created_on_the_record_page_is_found_by_its_company(staff_client):
    manager = staff_client(Permission.MANAGE_CUSTOMERS)
    manager.post(
        "/dashboard/customers/new/",
        record_data(kind="business", company_name="Pâtisserie Léonie", mobile="06 98 76 54 32"),
    )

    assert listed(manager, q="patisserie leonie") == ["Hélène"]
    assert listed(manager, q="+33698765432") == ["Hélène"]


def test_the_list_shows_the_company_name_under_a_business_customers_name(viewer, people):
    html = viewer.get(LIST).content.decode()

    assert "<small data-company>Boulangerie Éclair</small>" in html


def test_the_filter_form_keeps_the_chosen_values(viewer, people):
    html = viewer.get(LIST, {"type": "business", "marketing": "no", "pending": "yes"}).content
    page = html.decode()

    assert '<option value="business" selected>' in page
    assert 'name="marketing"' in page
    marketing = page.split('name="marketing"', 1)[1].split("</select>", 1)[0]
    assert '<option value="no" selected>' in marketing
    pending = page.split('name="pending"', 1)[1].split("</select>", 1)[0]
    assert '<option value="yes" selected>' in pending


def test_the_export_link_carries_the_filters(viewer, people):
    html = viewer.get(LIST, {"type": "business", "pending": "no"}).content.decode()

    assert "/dashboard/customers/export.csv?type=business&amp;pending=no" in html
