"""The stations pages: the kitchen display (open tickets, refreshed by htmx, marked
done), setting stations and routes up, and who may do each."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.orders.services import FulfilmentChoice
from comptoir.stations.models import CategoryRoute, Station, Ticket, TicketState
from comptoir.stations.services import send_order_to_stations
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import checkout
from tests.stations.factories import cafe

pytestmark = pytest.mark.django_db

TABLE_4 = FulfilmentChoice(type="table", table_label="4")


@pytest.fixture
def place():
    return cafe()


@pytest.fixture
def kitchen_staff(staff_client, place):
    return staff_client(Permission.MANAGE_ORDERS, user__language="en", locations=[place.location])


def accepted(place, lines, fulfilment=TABLE_4):
    order = checkout(place.location, lines, fulfilment=fulfilment)
    send_order_to_stations(order.pk, 1)
    return order


def test_screen_lists_the_stations_open_tickets_with_their_lines_and_table(place, kitchen_staff):
    first = accepted(place, [(place.croissant, 2), (place.espresso, 1)])
    second = accepted(place, [(place.sandwich, 1)])
    Ticket.objects.filter(order=second).update(state=TicketState.DONE)

    response = kitchen_staff.get(reverse("dashboard:station_screen", args=[place.kitchen.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Order {first.number}" in page
    assert "2 x Croissant" in page
    assert "Table 4" in page
    assert "ago" in page  # the ticket's age
    assert "Espresso" not in page  # the bar's
    assert f"Order {second.number}" not in page  # done
    # It asks for its tickets again every few seconds, without a reload.
    assert 'hx-trigger="every 5s"' in page
    assert f'hx-get="{reverse("dashboard:station_screen", args=[place.kitchen.pk])}"' in page


def test_screen_polled_by_htmx_answers_only_its_tickets(place, kitchen_staff):
    order = accepted(place, [(place.espresso, 1)])

    response = kitchen_staff.get(
        reverse("dashboard:station_screen", args=[place.bar.pk]), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="tickets"')
    assert "<html" not in page
    assert f"Order {order.number}" in page and "1 x Espresso" in page


def test_pickup_ticket_shows_the_pickup_time_and_curbside_vehicle(place, kitchen_staff):
    order = accepted(
        place,
        [(place.croissant, 1)],
        fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="red Clio"),
    )

    page = kitchen_staff.get(
        reverse("dashboard:station_screen", args=[place.kitchen.pk])
    ).content.decode()

    assert f"Order {order.number}" in page
    assert "Pickup at" in page
    assert "Curbside: red Clio" in page


def test_staff_mark_a_ticket_done_and_it_leaves_the_screen(place, kitchen_staff):
    order = accepted(place, [(place.croissant, 1)])
    ticket = Ticket.objects.get(order=order, station=place.kitchen)

    response = kitchen_staff.post(reverse("dashboard:ticket_done", args=[ticket.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:station_screen", args=[place.kitchen.pk])
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE
    assert ticket.done_by == kitchen_staff.member
    assert ticket.done_at is not None
    page = kitchen_staff.get(response["Location"]).content.decode()
    assert f"Order {order.number}" not in page
    assert "No open tickets." in page


def test_marking_done_through_htmx_answers_the_refreshed_list(place, kitchen_staff):
    order = accepted(place, [(place.croissant, 1)])
    ticket = Ticket.objects.get(order=order, station=place.kitchen)

    response = kitchen_staff.post(
        reverse("dashboard:ticket_done", args=[ticket.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="tickets"')
    assert "No open tickets." in page


@pytest.mark.parametrize(
    "permissions", [[], [Permission.VIEW_ORDERS], [Permission.MANAGE_CATALOG]], ids=str
)
def test_screen_and_done_are_refused_without_manage_orders(place, staff_client, permissions):
    order = accepted(place, [(place.croissant, 1)])
    ticket = Ticket.objects.get(order=order, station=place.kitchen)
    client = staff_client(*permissions, user__language="en")

    screen = client.get(reverse("dashboard:station_screen", args=[place.kitchen.pk]))
    done = client.post(reverse("dashboard:ticket_done", args=[ticket.pk]))
    reprint = client.post(reverse("dashboard:ticket_reprint", args=[ticket.pk]))

    assert (screen.status_code, done.status_code, reprint.status_code) == (403, 403, 403)
    assert "Manage orders" in done.content.decode()
    ticket.refresh_from_db()
    assert (ticket.state, ticket.done_by) == (TicketState.QUEUED, None)


def test_staff_of_another_location_cannot_see_or_close_its_tickets(place, staff_client):
    order = accepted(place, [(place.croissant, 1)])
    ticket = Ticket.objects.get(order=order, station=place.kitchen)
    elsewhere = staff_client(
        Permission.MANAGE_ORDERS, user__language="en", locations=[LocationFactory()]
    )

    screen = elsewhere.get(reverse("dashboard:station_screen", args=[place.kitchen.pk]))
    done = elsewhere.post(reverse("dashboard:ticket_done", args=[ticket.pk]))
    listing = elsewhere.get(reverse("dashboard:station_list")).content.decode()

    assert (screen.status_code, done.status_code) == (404, 404)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.QUEUED
    assert "Kitchen" not in listing


def test_stations_page_lists_each_locations_stations_with_the_fallback(place, kitchen_staff):
    accepted(place, [(place.croissant, 1)])

    page = kitchen_staff.get(reverse("dashboard:station_list")).content.decode()

    assert "Kitchen" in page and "Bar" in page
    assert "fallback" in page
    assert reverse("dashboard:station_screen", args=[place.kitchen.pk]) in page
    assert reverse("dashboard:station_routes", args=[place.location.pk]) in page
    # "Stations" is in the menu of whoever manages orders.
    assert f'href="{reverse("dashboard:station_list")}"' in page


def test_adding_a_station_made_the_fallback_moves_the_fallback(place, kitchen_staff):
    response = kitchen_staff.post(
        reverse("dashboard:station_create"),
        {
            "location": place.location.pk,
            "name": "Pastry",
            "printer_host": "192.168.1.60",
            "printer_port": "9100",
            "is_fallback": "on",
        },
    )

    assert response.status_code == 302
    fallbacks = Station.objects.filter(location=place.location, is_fallback=True)
    assert [station.name for station in fallbacks] == ["Pastry"]


def test_a_locations_first_station_is_its_fallback(kitchen_staff, owner):
    other = LocationFactory()
    client = kitchen_staff
    client.member.all_locations = True
    client.member.save(update_fields=["all_locations"])

    client.post(
        reverse("dashboard:station_create"),
        {"location": other.pk, "name": "Kitchen", "printer_host": "10.0.0.5", "printer_port": ""},
    )

    station = Station.objects.get(location=other)
    assert (station.is_fallback, station.printer_port) == (True, 9100)


def test_station_form_refuses_a_missing_printer_and_a_duplicate_name(place, kitchen_staff):
    response = kitchen_staff.post(
        reverse("dashboard:station_create"),
        {"location": place.location.pk, "name": "Bar", "printer_host": "", "printer_port": "9100"},
    )
    assert response.status_code == 200
    assert "Give the printer&#x27;s network address." in response.content.decode()

    response = kitchen_staff.post(
        reverse("dashboard:station_create"),
        {"location": place.location.pk, "name": "Bar", "printer_host": "10.0.0.9"},
    )
    assert "already has a station with this name" in response.content.decode()
    assert Station.objects.filter(location=place.location).count() == 2


def test_editing_a_station_moves_it_to_another_printer(place, kitchen_staff):
    response = kitchen_staff.post(
        reverse("dashboard:station_edit", args=[place.bar.pk]),
        {"name": "Bar", "printer_host": "192.168.1.77", "printer_port": "9101"},
    )

    assert response.status_code == 302
    place.bar.refresh_from_db()
    assert (place.bar.printer_host, place.bar.printer_port) == ("192.168.1.77", 9101)
    assert not place.bar.is_fallback
    place.kitchen.refresh_from_db()
    assert place.kitchen.is_fallback


def test_routes_page_routes_a_category_to_a_station_or_back_to_the_fallback(place, kitchen_staff):
    url = reverse("dashboard:station_routes", args=[place.location.pk])
    page = kitchen_staff.get(url).content.decode()
    assert "Pastries" in page and "Fallback (Kitchen)" in page

    response = kitchen_staff.post(
        url,
        {f"category_{place.pastries.pk}": str(place.bar.pk), f"category_{place.drinks.pk}": ""},
    )

    assert response.status_code == 302
    routes = dict(
        CategoryRoute.objects.filter(location=place.location).values_list(
            "category_id", "station_id"
        )
    )
    assert routes == {place.pastries.pk: place.bar.pk}


def test_routes_refuse_a_station_of_another_location(place, kitchen_staff, owner):
    elsewhere = cafe()
    url = reverse("dashboard:station_routes", args=[place.location.pk])

    response = kitchen_staff.post(url, {f"category_{place.pastries.pk}": str(elsewhere.bar.pk)})

    assert response.status_code == 200
    assert CategoryRoute.objects.get(location=place.location, category=place.pastries).station == (
        place.kitchen
    )


@pytest.mark.parametrize("permissions", [[], [Permission.MANAGE_CATALOG]], ids=str)
def test_station_setup_is_refused_without_manage_orders(place, staff_client, permissions):
    client = staff_client(*permissions, user__language="en")

    responses = [
        client.get(reverse("dashboard:station_list")),
        client.post(
            reverse("dashboard:station_create"),
            {"location": place.location.pk, "name": "Grill", "printer_host": "10.0.0.1"},
        ),
        client.post(
            reverse("dashboard:station_routes", args=[place.location.pk]),
            {f"category_{place.pastries.pk}": str(place.bar.pk)},
        ),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert Station.objects.count() == 2
    assert CategoryRoute.objects.get(category=place.pastries).station == place.kitchen
