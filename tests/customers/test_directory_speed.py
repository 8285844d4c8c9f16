"""The directory reads a page through statements compiled once per process: each search's
words, location and type are parameters of the same statement, a page without a search
counts its records in the page's own statement, and the rows show what the records hold."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.customers import selectors
from comptoir.customers.models import Customer, CustomerKind
from comptoir.customers.selectors import DirectoryFilters
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/"


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row.customer.full_name for row in response.context["rows"]]


@pytest.fixture
def viewer(staff_client):
    return staff_client(Permission.VIEW_CUSTOMERS, user__language="en")


def customer_statements(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return sum(
        '"customers_customer"' in query["sql"] or '"customers_customersearchentry"' in query["sql"]
        for query in queries.captured_queries
    )


def test_the_record_columns_are_read_in_the_models_order():
    # Model.from_db takes the values in the order of the model's fields.
    order = [field.attname for field in Customer._meta.concrete_fields]
    assert list(selectors._RECORD_COLUMNS) == sorted(selectors._RECORD_COLUMNS, key=order.index)


def test_a_page_reads_customers_in_one_statement_and_a_search_in_two(viewer):
    location = LocationFactory()
    for n in range(3):
        order_for(CustomerFactory(first_name=f"Anne{n}", last_name="Martin"), location)
    viewer.get(URL)
    assert customer_statements(viewer, {}) == 1
    assert customer_statements(viewer, {"type": "business", "account": "yes"}) == 1
    assert customer_statements(viewer, {"q": "martin"}) == 2
    assert customer_statements(viewer, {"q": "anne martin", "location": location.pk}) == 2


def test_each_search_gets_its_own_words(viewer):
    CustomerFactory(first_name="Hélène", last_name="Lefèvre")
    CustomerFactory(first_name="Agnès", last_name="Bérenger")
    CustomerFactory(first_name="Agnès", last_name="Lefèvre")
    assert names(viewer.get(URL, {"q": "lefevre"})) == ["Agnès Lefèvre", "Hélène Lefèvre"]
    assert names(viewer.get(URL, {"q": "agnes"})) == ["Agnès Bérenger", "Agnès Lefèvre"]
    assert names(viewer.get(URL, {"q": "agnes lefevre"})) == ["Agnès Lefèvre"]
    assert names(viewer.get(URL, {"q": "helene berenger"})) == []
    many = viewer.get(URL, {"q": "a e e e n"})  # more words than the compiled statement's
    assert names(many) == ["Agnès Bérenger", "Agnès Lefèvre", "Hélène Lefèvre"]


def test_like_wildcards_in_a_search_are_plain_characters(viewer):
    CustomerFactory(first_name="A_b", last_name="Plain", email="under_score@example.com")
    CustomerFactory(first_name="Axb", last_name="Plain", email="percent@example.com")
    assert names(viewer.get(URL, {"q": "a_b"})) == ["A_b Plain"]
    assert names(viewer.get(URL, {"q": "%"})) == []
    assert names(viewer.get(URL, {"q": "under_score@example.com"})) == ["A_b Plain"]
    assert names(viewer.get(URL, {"q": "underxscore@example.com"})) == []


def test_the_location_and_type_filters_take_each_requests_values(viewer):
    left, right = LocationFactory(), LocationFactory()
    order_for(CustomerFactory(first_name="Lea", last_name="Left", kind=CustomerKind.BUSINESS), left)
    order_for(CustomerFactory(first_name="Rob", last_name="Right"), right)
    assert names(viewer.get(URL, {"location": left.pk})) == ["Lea Left"]
    assert names(viewer.get(URL, {"location": right.pk})) == ["Rob Right"]
    assert names(viewer.get(URL, {"type": "business"})) == ["Lea Left"]
    assert names(viewer.get(URL, {"type": "personal"})) == ["Rob Right"]
    assert names(viewer.get(URL, {"q": "r", "location": right.pk})) == ["Rob Right"]


def test_a_member_of_some_locations_sees_their_customers_only(staff_client):
    here, there = LocationFactory(), LocationFactory()
    order_for(CustomerFactory(first_name="Here", last_name="One"), here)
    order_for(CustomerFactory(first_name="There", last_name="One"), there)
    CustomerFactory(first_name="Nowhere", last_name="One")
    client = staff_client(Permission.VIEW_CUSTOMERS, locations=[here], user__language="en")
    assert names(client.get(URL)) == ["Here One"]
    assert names(client.get(URL, {"q": "one"})) == ["Here One"]


def test_a_row_shows_the_spending_of_its_record(viewer):
    location = LocationFactory(name="Batignolles")
    customer = ShopperFactory(first_name="Zoé", last_name="Spender")
    order_for(customer, location)
    CustomerFactory(first_name="Yann", last_name="Nothing")
    response = viewer.get(URL)
    body = response.content.decode()
    assert "Batignolles" in body
    page = response.context["page"]
    assert page.spending[customer.pk].order_count == 1
    assert page.spending[customer.pk].last_location_id == location.pk
    assert [c.first_name for c in page.customers] == ["Yann", "Zoé"]


def test_the_page_count_is_capped_in_the_pages_own_statement(owner, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    selectors._page_rows._compiled.clear()
    try:
        for n in range(7):
            CustomerFactory(first_name=f"P{n:02}", last_name="Capped")
        page = selectors.directory_page(owner, DirectoryFilters(), 1, per_page=3)
        assert (page.total, page.total_is_exact, page.has_next) == (4, False, True)
        searched = selectors.directory_page(owner, DirectoryFilters(search="capped"), 1, per_page=3)
        assert (searched.total, searched.total_is_exact) == (7, True)
    finally:
        selectors._page_rows._compiled.clear()


def test_the_filter_form_shows_the_chosen_filters_escaped(viewer):
    location = LocationFactory(name="Rue <Martyrs>")
    response = viewer.get(
        URL,
        {
            "q": 'a"<b',
            "account": "no",
            "type": "business",
            "marketing": "yes",
            "pending": "no",
            "created_from": "2025-01-02",
            "location": location.pk,
            "sort": "-created",
        },
    )
    body = response.content.decode()
    assert 'name="q" value="a&quot;&lt;b"' in body
    assert '<option value="no" selected>Without an account</option>' in body
    assert '<option value="business" selected>Business</option>' in body
    assert 'name="created_from" value="2025-01-02"' in body
    assert 'name="created_to" value=""' in body
    assert f'<option value="{location.pk}" selected>Rue &lt;Martyrs&gt;</option>' in body
    assert '<option value="-created" selected>Newest first</option>' in body
    assert 'href="/dashboard/customers/export.csv?q=a%22%3Cb&amp;account=no' in body
    assert body.count(" selected>") == 6  # account, type, marketing, pending, location, sort


def test_the_filter_form_is_in_the_members_language(staff_client):
    french = staff_client(Permission.VIEW_CUSTOMERS, user__language="fr")
    english = staff_client(Permission.VIEW_CUSTOMERS, user__language="en")
    assert "Créé jusqu'au" in french.get(URL).content.decode()
    assert "Created until" in english.get(URL).content.decode()
    assert "Créé jusqu'au" in french.get(URL).content.decode()


def test_a_pages_records_read_their_other_fields_on_demand(owner, django_assert_num_queries):
    made = CustomerFactory(first_name="Noé", last_name="Notes", notes="Allergic to nuts")
    page = selectors.directory_page(owner, DirectoryFilters(search="noe"), 1, per_page=50)
    [customer] = page.customers
    assert customer == made and not customer._state.adding
    assert customer.get_deferred_fields() >= {"notes", "search_text", "updated_at"}
    with django_assert_num_queries(1):
        assert customer.notes == "Allergic to nuts"
