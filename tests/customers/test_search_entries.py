"""The directory's narrow search table (CustomerSearchEntry, decision 0032): the database's
triggers keep each record's row whatever writes the record, a search for a member who
sees every record reads its matches from it in the same order and number as the general
search, and the daily sort puts it back in name order on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.customers.models import Customer, CustomerSearchEntry
from comptoir.customers.search import search_text_for
from comptoir.customers.search_order import sort_search_entries
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.customers.tasks import sort_directory_search
from comptoir.jobs.periodic import BY_PATH
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/"


def entry_of(customer: Customer) -> tuple[str, str, str]:
    entry = CustomerSearchEntry.objects.get(customer_id=customer.pk)
    return entry.search_text, entry.last_name_key, entry.first_name_key


def test_a_new_record_gets_its_entry():
    customer = CustomerFactory(first_name="Hélène", last_name="Lefèvre", email="HL@example.com")

    assert entry_of(customer) == ("helene lefevre hl@example.com", "lefèvre", "hélène")


def test_renaming_a_record_rewrites_its_entry_whatever_writes_it():
    customer = CustomerFactory(first_name="Anne", last_name="Roux")
    customer.first_name, customer.last_name = "Agnès", "Bérenger"
    customer.search_text = customer.computed_search_text()
    customer.save()

    assert entry_of(customer)[1:] == ("bérenger", "agnès")

    Customer.objects.filter(pk=customer.pk).update(search_text="written in bulk", last_name="Zed")

    assert entry_of(customer)[:2] == ("written in bulk", "zed")


def test_a_change_of_other_fields_keeps_the_entry():
    customer = CustomerFactory(first_name="Anne", last_name="Roux")
    CustomerSearchEntry.objects.filter(customer_id=customer.pk).update(last_name_key="kept")

    Customer.objects.filter(pk=customer.pk).update(notes="Likes croissants", phone="+33612345678")

    assert entry_of(customer)[1] == "kept"  # not rewritten: no search field changed


def test_deleting_a_record_deletes_its_entry():
    customer = CustomerFactory()
    other = CustomerFactory()

    Customer.objects.filter(pk=customer.pk).delete()

    assert not CustomerSearchEntry.objects.filter(customer_id=customer.pk).exists()
    assert CustomerSearchEntry.objects.filter(customer_id=other.pk).exists()


def test_erasing_a_record_leaves_nothing_of_it_in_its_entry(owner):
    customer = CustomerFactory(first_name="Zoé", last_name="Marker7731", email="z7731@example.com")

    erase_customer(actor=owner, customer_id=customer.pk, gateway=None)

    text, last, first = entry_of(customer)
    assert "7731" not in text + last + first
    assert "zo" not in first


def test_merging_two_records_keeps_only_the_kept_records_entry(owner):
    kept = CustomerFactory(first_name="Hélène", last_name="Martin", email="helene@example.com")
    merged = CustomerFactory(first_name="Helene", last_name="Martin", email=None, phone="+33611")

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    assert not CustomerSearchEntry.objects.filter(customer_id=merged.pk).exists()
    kept.refresh_from_db()
    assert entry_of(kept)[0] == kept.search_text


@pytest.fixture
def namesakes() -> list[Customer]:
    """Records whose order by name needs the lower-case keys and then the id."""
    names = [
        ("Hélène", "martin"),
        ("helene", "Martin"),
        ("Hélène", "Abadie"),
        ("Paul", "Hélène-Durand"),
        ("Zoé", "Abadie"),
        ("Anne", "Martin"),
        ("Hélène", "Zola"),
    ]
    return [CustomerFactory(first_name=first, last_name=last) for first, last in names]


def test_a_search_alone_is_read_from_the_search_table_in_name_order(staff_client, namesakes):
    client = staff_client(Permission.VIEW_CUSTOMERS)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "HELENE"})

    assert any("customers_customersearchentry" in q["sql"] for q in queries.captured_queries)
    expected = sorted(
        (c for c in namesakes if "helene" in c.search_text),
        key=lambda c: (c.last_name.lower(), c.first_name.lower(), c.pk),
    )
    rows = [row.customer.pk for row in response.context["rows"]]
    assert rows == [c.pk for c in expected]
    assert response.context["page"].total == len(expected) == 5


def test_a_search_with_a_filter_gives_the_same_order_from_the_records(staff_client, namesakes):
    client = staff_client(Permission.VIEW_CUSTOMERS)
    alone = client.get(URL, {"q": "helene"})

    with CaptureQueriesContext(connection) as queries:
        filtered = client.get(URL, {"q": "helene", "type": "personal"})

    assert not any("customers_customersearchentry" in q["sql"] for q in queries.captured_queries)
    assert [row.customer.pk for row in filtered.context["rows"]] == [
        row.customer.pk for row in alone.context["rows"]
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("customer1027", ["customer1027@example.com", "customer10270@example.com"]),
        ("CUSTOMER1027@example.com", ["customer1027@example.com"]),
        ("1027", ["customer1027@example.com", "customer10270@example.com"]),
        ("0612345678", ["customer1028@example.com"]),
        ("+33 6 12 34 56 78", ["customer1028@example.com"]),
        ("+3361234", ["customer1028@example.com"]),
        ("x45678", []),  # the digits are looked up, the whole word checked
    ],
)
def test_a_word_with_digits_finds_the_same_records_as_a_plain_contains(
    staff_client, query, expected
):
    CustomerFactory(email="customer1027@example.com")
    CustomerFactory(email="customer10270@example.com")
    CustomerFactory(email="customer1028@example.com", phone="+33612345678")
    CustomerFactory(email="other@example.com", phone="+33645678123")

    response = staff_client(Permission.VIEW_CUSTOMERS).get(URL, {"q": query})

    assert sorted(row.customer.email for row in response.context["rows"]) == sorted(expected)


def test_the_daily_sort_is_a_periodic_task_that_runs():
    assert BY_PATH["comptoir.customers.tasks.sort_directory_search"].every.days == 1
    CustomerFactory(first_name="B", last_name="B")

    written = sort_directory_search.call()

    assert written == (
        CustomerSearchEntry.objects.count() if connection.vendor == "postgresql" else 0
    )


@pytest.mark.postgres
def test_the_sort_writes_the_table_in_name_order_and_keeps_its_index():
    if connection.vendor != "postgresql":
        pytest.skip("the sort and the trigram index are PostgreSQL's (SQLite: nothing to do)")
    for first, last in [("Zoé", "Zola"), ("Anne", "Abadie"), ("Marc", "Martin"), ("Ana", "Abadie")]:
        CustomerFactory(first_name=first, last_name=last)
    before = sorted(CustomerSearchEntry.objects.values_list("customer_id", "search_text"))

    assert sort_search_entries() == len(before)

    with connection.cursor() as cursor:
        cursor.execute("SELECT last_name_key, first_name_key FROM customers_customersearchentry")
        on_disk = cursor.fetchall()  # a sequential scan: the rows' order on disk
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_search_entry_trgm'"
        )
        (index,) = cursor.fetchone()
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'customer_search_entry_trgm'"
        )
        (options,) = cursor.fetchone()
    assert on_disk == sorted(on_disk)
    assert "gin_trgm_ops" in index
    assert options == ["fastupdate=off"]
    assert sorted(CustomerSearchEntry.objects.values_list("customer_id", "search_text")) == before
    # and the triggers still write it
    late = CustomerFactory(first_name="Late", last_name="Comer")
    assert entry_of(late)[0] == search_text_for(
        first_name="Late", last_name="Comer", email=late.email, phone=""
    )
