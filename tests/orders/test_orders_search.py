"""The Orders page's search, over HTTP: an order number, a name with or without its
accents, an email whole or in part, a phone as dialled locally; a constant number of
queries however many orders match; on PostgreSQL, the search is read from the trigram
index (orders.search, migration 0009)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.urls import reverse

from comptoir.orders.dashboard_selectors import OrderFilters, orders_for_page
from comptoir.orders.models import Order
from comptoir.orders.search import FUNCTION, fold_query, function_body
from comptoir.orders.services import Contact
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

LIST = reverse("dashboard:order_list")


@pytest.fixture
def client(staff_client):
    return staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")


def _order(location, first: str, last: str, email: str = "", phone: str = "") -> Order:
    contact = Contact(
        email=email or f"{last.lower()}@example.com", first_name=first, last_name=last, phone=phone
    )
    return checkout(
        location, [(stocked(location, stock=None), 1)], fulfilment=PICKUP, contact=contact
    )


def _found(client, query: str) -> set[str]:
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return {row["order"].number for row in response.context["rows"]}


@pytest.fixture
def orders():
    location = LocationFactory()
    return {
        "helene": _order(location, "Hélène", "Durand", "h.durand@example.com", "+33612345678"),
        "zoe": _order(location, "Zoé", "Lefèvre", "zoe@mail.example.org", "+33687654321"),
        "helen": _order(location, "Helen", "Baker", "helen.baker@example.com"),
    }


def test_an_order_number_finds_its_order_in_any_case(client, orders):
    number = orders["zoe"].number
    assert _found(client, number) == {number}
    assert _found(client, f"  {number.lower()} ") == {number}


def test_a_name_is_found_with_or_without_its_accents_in_any_case_and_order(client, orders):
    helene = orders["helene"].number
    for query in ("Hélène Durand", "helene durand", "DURAND HÉLÈNE", "Helene", "durand"):
        assert _found(client, query) == {helene}, query
    assert _found(client, "lefevre") == {orders["zoe"].number}
    assert _found(client, "Zoé Lefèvre") == {orders["zoe"].number}
    # Each word must be found: "helen" is in both first names, "baker" in one order.
    assert _found(client, "helen") == {helene, orders["helen"].number}
    assert _found(client, "helen baker") == {orders["helen"].number}
    assert _found(client, "Hélène Baker") == set()


def test_an_email_whole_or_in_part_finds_its_orders(client, orders):
    assert _found(client, "h.durand@example.com") == {orders["helene"].number}
    assert _found(client, "H.Durand@Example.com") == {orders["helene"].number}
    assert _found(client, "mail.example.org") == {orders["zoe"].number}
    assert _found(client, "nobody@example.com") == set()


def test_a_phone_dialled_locally_or_in_full_or_its_last_digits_finds_the_order(client, orders):
    helene = orders["helene"].number
    for query in ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "45678"):
        assert _found(client, query) == {helene}, query
    assert _found(client, "06 99 99 99 99") == set()


def test_a_percent_or_underscore_typed_matches_only_itself(client, orders):
    assert _found(client, "%") == set()
    assert _found(client, "_") == set()


def test_a_search_reads_the_same_queries_however_many_orders_match(client, count_queries):
    location = LocationFactory()
    _order(location, "Hélène", "Durand")
    client.get(LIST, {"q": "helene"})  # warm the session and caches
    with count_queries() as few:
        response = client.get(LIST, {"q": "helene"})
    assert len(response.context["rows"]) == 1
    for last in ("Martin", "Petit", "Roux", "Blanc", "Garnier"):
        _order(location, "Hélène", last)
    with count_queries() as many:
        response = client.get(LIST, {"q": "helene"})
    assert len(response.context["rows"]) == 6
    assert many.count == few.count


@pytest.mark.postgres
def test_on_postgresql_the_search_is_read_from_the_trigram_index(owner, orders):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    searched = orders_for_page(owner, OrderFilters(search="helene durand"))
    assert {order.number for order in searched} == {orders["helene"].number}
    sql, params = searched.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A few rows: only forbidding the other ways shows the index can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "order_search_trgm" in plan


@pytest.mark.postgres
@pytest.mark.parametrize("unaccent", [True, False])
def test_on_postgresql_the_database_folds_as_python_does(unaccent):
    if connection.vendor != "postgresql":
        pytest.skip("the folding function exists on PostgreSQL only")
    text = "Hélène ŒUVRE Straße Łukasz Ærø Çağla Dvořák 06 12 a_b%c@example.com"
    sql = function_body(unaccent=unaccent).replace("value", "%s::text")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}, {FUNCTION}(%s)", [text, text])
        folded, by_function = cursor.fetchone()
    assert (
        folded
        == fold_query(text)
        == "helene oeuvre strasse lukasz aero cagla dvorak 06 12 a_b%c@example.com"
    )
    assert by_function == folded
