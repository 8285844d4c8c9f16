"""A directory page and its count: a search counts its matches exactly in the page's own
query; a list without search stops counting at COUNT_CAP and says "more than"; a page
number past the end shows the last page."""

from __future__ import annotations

import pytest

from comptoir.customers import selectors
from comptoir.customers.selectors import DirectoryFilters
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/"


def people(n: int, last_name: str = "Martin") -> None:
    for i in range(n):
        CustomerFactory(first_name=f"P{i:02}", last_name=last_name)


def test_a_search_says_exactly_how_many_customers_match(staff_client):
    people(3, "Hélène")
    people(2, "Durand")
    response = staff_client(Permission.VIEW_CUSTOMERS, user__language="en").get(
        URL, {"q": "helene"}
    )

    assert "3 customers" in response.content.decode()
    assert len(response.context["rows"]) == 3


def test_a_search_pages_through_its_matches_with_an_exact_total(owner):
    people(5, "Hélène")
    filters = DirectoryFilters(search="HELENE")

    first = selectors.directory_page(owner, filters, 1, per_page=2)
    last = selectors.directory_page(owner, filters, 3, per_page=2)
    beyond = selectors.directory_page(owner, filters, 9, per_page=2)

    assert (first.total, first.total_is_exact, first.num_pages) == (5, True, 3)
    assert [c.first_name for c in first.customers] == ["P00", "P01"]
    assert first.has_next and not first.has_previous
    assert [c.first_name for c in last.customers] == ["P04"]
    assert not last.has_next
    assert beyond.number == 3 and [c.first_name for c in beyond.customers] == ["P04"]


def test_without_a_search_the_count_stops_at_the_cap_and_says_more_than(
    staff_client, owner, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    people(7)

    page = selectors.directory_page(owner, DirectoryFilters(), 1, per_page=3)
    third = selectors.directory_page(owner, DirectoryFilters(), 3, per_page=3)
    html = staff_client(Permission.VIEW_CUSTOMERS, user__language="en").get(URL).content.decode()

    assert (page.total, page.total_is_exact, page.has_next) == (4, False, True)
    assert [c.first_name for c in third.customers] == ["P06"]  # past the cap: still reachable
    assert not third.has_next
    assert "More than 4 customers" in html


def test_a_short_list_is_counted_exactly_and_a_page_past_its_end_shows_the_last(owner):
    people(3)

    page = selectors.directory_page(owner, DirectoryFilters(), 7, per_page=2)

    assert (page.total, page.total_is_exact, page.number) == (3, True, 2)
    assert [c.first_name for c in page.customers] == ["P02"]


def test_the_search_sorts_by_name_ignoring_case(owner):
    CustomerFactory(first_name="Zoé", last_name="martin")
    CustomerFactory(first_name="Anne", last_name="Martin")
    CustomerFactory(first_name="Paul", last_name="MARTINEZ")

    page = selectors.directory_page(owner, DirectoryFilters(search="martin"), 1, per_page=50)

    assert [c.first_name for c in page.customers] == ["Anne", "Zoé", "Paul"]
