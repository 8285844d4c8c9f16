"""A search for a whole email looks up its local part in the index and checks the domain
on the rows found: the matches are the same as a plain "contains" (case and accents
ignored, part of a longer address found, another domain not), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/"


def names_in(response) -> list[str]:
    return sorted(row.customer.full_name for row in response.context["rows"])


@pytest.fixture
def addresses():
    CustomerFactory(first_name="Ana", last_name="Lopez", email="ana.lopez@example.org")
    CustomerFactory(first_name="Maria", last_name="Lopez", email="maria.ana.lopez@example.org")
    CustomerFactory(first_name="Other", last_name="Domain", email="ana.lopez@example.com")
    CustomerFactory(first_name="Al", last_name="Short", email="al@example.org")
    CustomerFactory(first_name="Élodie", last_name="Noël", email="elodie@café.fr")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ana.lopez@example.org", ["Ana Lopez", "Maria Lopez"]),
        ("ANA.LOPEZ@EXAMPLE.ORG", ["Ana Lopez", "Maria Lopez"]),
        ("ana.lopez@example.com", ["Other Domain"]),
        ("ana.lopez@example", ["Ana Lopez", "Maria Lopez", "Other Domain"]),
        ("ana.lopez@", ["Ana Lopez", "Maria Lopez", "Other Domain"]),
        ("al@example.org", ["Al Short"]),
        ("@example.org", ["Al Short", "Ana Lopez", "Maria Lopez"]),
        ("elodie@cafe.fr", ["Élodie Noël"]),
        ("ana.lopez@example.org lopez", ["Ana Lopez", "Maria Lopez"]),
        ("ana.lopez@example.org maria", ["Maria Lopez"]),
        ("nobody@example.org", []),
    ],
)
def test_a_search_for_an_email_finds_the_same_records_as_before(
    staff_client, addresses, query, expected
):
    response = staff_client(Permission.VIEW_CUSTOMERS).get(URL, {"q": query})

    assert response.status_code == 200
    assert names_in(response) == expected
