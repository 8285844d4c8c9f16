"""Dashboard > Tables: add, rename, stop and resume taking orders, with "manage
settings" at the table's location; every refusal changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.tables.models import Table
from comptoir.tables.services import create_table
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.tables.helpers import make_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def location():
    return LocationFactory(name="Martyrs", fulfilment_types=["pickup", "table"])


@pytest.fixture
def manager(staff_client):
    return staff_client(Permission.MANAGE_SETTINGS, user__language="en")


def snapshot() -> list[tuple]:
    return list(Table.objects.order_by("pk").values_list("pk", "label", "token", "is_active"))


def test_list_shows_each_locations_tables_with_their_qr_code_and_sheet(manager, location):
    table = make_table(location, "4")
    make_table(location, "Terrace 1", is_active=False)

    page = manager.get(reverse("dashboard:table_list"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Martyrs" in html and "Terrace 1" in html
    assert reverse("dashboard:table_qr", args=[table.pk]) in html
    assert f"{reverse('dashboard:table_sheet', args=[location.pk])}?page=1" in html
    assert reverse("dashboard:table_sheet_pdf", args=[location.pk]) in html
    assert "Not taking orders" in html
    assert "Stop taking orders" in html and "Take orders again" in html


def test_adding_a_table_gives_it_an_unguessable_token(manager, location):
    answer = manager.post(
        reverse("dashboard:table_create"), {"location": location.pk, "label": "  Terrace   2 "}
    )

    assert answer.status_code == 302
    table = Table.objects.get()
    assert (table.location, table.label, table.is_active) == (location, "Terrace 2", True)
    assert len(table.token) >= 22
    other = create_table(actor=manager.member, location=location, label="5")
    assert other.token != table.token


def test_a_label_already_used_at_the_location_is_refused_beside_the_field(manager, location):
    make_table(location, "4")
    before = snapshot()

    answer = manager.post(
        reverse("dashboard:table_create"), {"location": location.pk, "label": "4"}
    )

    assert answer.status_code == 200
    assert "This location already has a table with this label." in answer.content.decode()
    assert snapshot() == before
    # The same label at another location is another table.
    elsewhere = LocationFactory()
    manager.post(reverse("dashboard:table_create"), {"location": elsewhere.pk, "label": "4"})
    assert Table.objects.filter(label="4").count() == 2


def test_an_empty_label_is_refused(manager, location):
    answer = manager.post(
        reverse("dashboard:table_create"), {"location": location.pk, "label": " "}
    )

    assert answer.status_code == 200
    assert "Give the table a label" in answer.content.decode()
    assert not Table.objects.exists()


def test_renaming_keeps_the_token_so_printed_codes_still_work(manager, location):
    table = make_table(location, "4")

    answer = manager.post(reverse("dashboard:table_edit", args=[table.pk]), {"label": "14"})

    assert answer.status_code == 302
    renamed = Table.objects.get()
    assert (renamed.label, renamed.token) == ("14", table.token)


def test_stopping_and_resuming_orders_at_a_table(manager, location):
    table = make_table(location, "4")

    manager.post(reverse("dashboard:table_active", args=[table.pk]), {"active": "0"})
    assert Table.objects.get().is_active is False
    manager.post(reverse("dashboard:table_active", args=[table.pk]), {"active": "1"})
    assert Table.objects.get().is_active is True


@pytest.mark.parametrize(
    "permission", [Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS, Permission.VIEW_ORDERS]
)
def test_staff_without_manage_settings_change_nothing(staff_client, location, permission):
    table = make_table(location, "4")
    client = staff_client(permission, user__language="en")
    before = snapshot()

    answers = [
        client.get(reverse("dashboard:table_list")),
        client.post(reverse("dashboard:table_create"), {"location": location.pk, "label": "9"}),
        client.post(reverse("dashboard:table_edit", args=[table.pk]), {"label": "99"}),
        client.post(reverse("dashboard:table_active", args=[table.pk]), {"active": "0"}),
        client.get(reverse("dashboard:table_qr", args=[table.pk])),
        client.get(reverse("dashboard:table_sheet", args=[location.pk])),
    ]

    assert [answer.status_code for answer in answers] == [403] * 6
    assert "Manage settings" in answers[0].content.decode()
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, location):
    table = make_table(location, "4")
    before = snapshot()

    answer = client.post(reverse("dashboard:table_active", args=[table.pk]), {"active": "0"})

    assert answer.status_code == 302 and "/dashboard/login/" in answer.url
    assert snapshot() == before


def test_staff_of_another_location_neither_see_nor_change_its_tables(staff_client, location):
    table = make_table(location, "4")
    theirs = LocationFactory(name="Bastille")
    client = staff_client(Permission.MANAGE_SETTINGS, locations=[theirs], user__language="en")
    before = snapshot()

    listing = client.get(reverse("dashboard:table_list")).content.decode()
    answers = [
        client.post(reverse("dashboard:table_edit", args=[table.pk]), {"label": "99"}),
        client.post(reverse("dashboard:table_active", args=[table.pk]), {"active": "0"}),
        client.get(reverse("dashboard:table_qr", args=[table.pk])),
        client.get(reverse("dashboard:table_sheet", args=[location.pk])),
        client.post(reverse("dashboard:table_create"), {"location": location.pk, "label": "9"}),
    ]

    assert "Martyrs" not in listing and "Bastille" in listing
    assert [answer.status_code for answer in answers[:4]] == [404] * 4
    assert answers[4].status_code == 200  # not a location to choose: the form says so
    assert snapshot() == before


def test_the_list_is_in_the_staff_members_language(staff_client, location):
    make_table(location, "4")
    client = staff_client(Permission.MANAGE_SETTINGS, user__language="fr")

    html = client.get(reverse("dashboard:table_list")).content.decode()

    assert '<html lang="fr"' in html
