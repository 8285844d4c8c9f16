import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.errors import InvalidInput, PermissionDenied
from comptoir.shop.models import FulfilmentType, Location, OpeningHours
from comptoir.shop.services import create_location, set_opening_hours, update_location
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.shop.factories import location_form_data

pytestmark = pytest.mark.django_db
T = datetime.time


def hours_of(location: Location) -> list[tuple[int, str, str]]:
    return [
        (h.weekday, f"{h.opens_at:%H:%M}", f"{h.closes_at:%H:%M}")
        for h in OpeningHours.objects.filter(location=location).order_by("weekday", "opens_at")
    ]


def test_create_location_with_hours_and_a_slug_made_from_the_name(owner):
    LocationFactory(name="Gare", slug="gare-de-lyon")

    location = create_location(
        actor=owner,
        name="Gare de Lyon",
        time_zone="Europe/Paris",
        preparation_minutes=20,
        fulfilment_types=[FulfilmentType.TABLE, FulfilmentType.PICKUP],
        opening_hours=[(0, "07:00", "12:30"), (0, "14:00", "19:00"), (5, T(8), T(13))],
    )

    assert location.slug == "gare-de-lyon-2"
    assert location.fulfilment_types == ["pickup", "table"]
    assert hours_of(location) == [
        (0, "07:00", "12:30"),
        (0, "14:00", "19:00"),
        (5, "08:00", "13:00"),
    ]


def test_create_location_refuses_unknown_fulfilment_and_time_zone(owner):
    with pytest.raises(InvalidInput) as refused:
        create_location(
            actor=owner,
            name="Quai",
            time_zone="Paris",
            preparation_minutes=10,
            fulfilment_types=["pickup", "teleport"],
        )

    assert set(refused.value.errors) == {"time_zone", "fulfilment_types"}
    assert not Location.objects.exists()


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        ([(1, "12:00", "08:00")], "before closing"),
        ([(1, "09:00", "09:00")], "before closing"),
        ([(2, "08:00", "13:00"), (2, "12:00", "18:00")], "overlap"),
        ([(7, "08:00", "13:00")], "day of the week"),
        ([(3, "8h", "13:00")], "HH:MM"),
    ],
)
def test_bad_opening_hours_are_refused_and_the_old_ones_kept(owner, spans, message):
    location = LocationFactory()
    set_opening_hours(actor=owner, location=location, spans=[(0, "08:00", "18:00")])

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        set_opening_hours(actor=owner, location=location, spans=spans)

    assert message in refused.value.errors["opening_hours"]
    assert hours_of(location) == [(0, "08:00", "18:00")]


def test_opening_hours_are_replaced_and_spans_may_touch(owner):
    location = LocationFactory()
    set_opening_hours(actor=owner, location=location, spans=[(0, "08:00", "18:00")])

    set_opening_hours(
        actor=owner, location=location, spans=[(4, "08:00", "12:00"), (4, "12:00", "14:00")]
    )

    assert hours_of(location) == [(4, "08:00", "12:00"), (4, "12:00", "14:00")]


def test_location_limited_member_edits_only_their_own_locations(make_member):
    mine, other = LocationFactory(name="Mine"), LocationFactory(name="Other")
    member = make_member(permissions=[Permission.MANAGE_SETTINGS], locations=[mine])

    update_location(actor=member, location=mine, preparation_minutes=5)
    with pytest.raises(PermissionDenied):
        update_location(actor=member, location=other, name="Taken over")
    with pytest.raises(PermissionDenied):
        set_opening_hours(actor=member, location=other, spans=[(0, "01:00", "02:00")])
    with pytest.raises(PermissionDenied):
        create_location(
            actor=member,
            name="New",
            time_zone="Europe/Paris",
            preparation_minutes=5,
            fulfilment_types=[],
        )

    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.preparation_minutes == 5
    assert other.name == "Other"
    assert hours_of(other) == []
    assert Location.objects.count() == 2


def test_location_limited_member_cannot_open_or_post_another_locations_page(staff_client):
    mine, other = LocationFactory(name="Mine"), LocationFactory(name="Other")
    client = staff_client(Permission.MANAGE_SETTINGS, locations=[mine])

    listing = client.get(reverse("dashboard:location_list")).content.decode()
    refused_get = client.get(reverse("dashboard:location_edit", args=[other.pk]))
    refused_post = client.post(
        reverse("dashboard:location_edit", args=[other.pk]),
        location_form_data(other, name="Taken over"),
    )
    refused_create = client.get(reverse("dashboard:location_create"))

    assert "Mine" in listing and "Other" not in listing
    assert refused_get.status_code == 404
    assert refused_post.status_code == 404
    assert refused_create.status_code == 403
    other.refresh_from_db()
    assert other.name == "Other"
    assert client.get(reverse("dashboard:location_edit", args=[mine.pk])).status_code == 200


def test_location_page_creates_a_location_with_fulfilment_and_hours(owner, signed_in):
    data = location_form_data(
        hours={
            1: {
                "opens_at": "07:30",
                "closes_at": "13:00",
                "reopens_at": "15:00",
                "closes_again_at": "19:30",
            },
            6: {"opens_at": "08:00", "closes_at": "12:00"},
        }
    )

    response = signed_in(owner).post(reverse("dashboard:location_create"), data)

    assert response.status_code == 302
    location = Location.objects.get()
    assert (location.name, location.slug, location.city) == ("Marché", "marche", "Lyon")
    assert location.fulfilment_types == ["pickup", "delivery"]
    assert hours_of(location) == [
        (1, "07:30", "13:00"),
        (1, "15:00", "19:30"),
        (6, "08:00", "12:00"),
    ]


def test_location_page_shows_current_hours_and_keeps_input_on_error(owner, signed_in):
    location = LocationFactory(name="Quai")
    set_opening_hours(actor=owner, location=location, spans=[(2, "09:00", "17:00")])
    client = signed_in(owner)

    page = client.get(reverse("dashboard:location_edit", args=[location.pk])).content.decode()
    assert 'value="09:00"' in page and 'value="17:00"' in page

    bad = location_form_data(
        location,
        name="Quai Sud",
        hours={
            2: {
                "opens_at": "09:00",
                "closes_at": "17:00",
                "reopens_at": "16:00",
                "closes_again_at": "18:00",
            }
        },
    )
    response = client.post(
        reverse("dashboard:location_edit", args=[location.pk]), bad, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert 'value="Quai Sud"' in response.content.decode()
    location.refresh_from_db()
    assert location.name == "Quai"
    assert hours_of(location) == [(2, "09:00", "17:00")]


def test_location_list_queries_do_not_grow_with_locations(owner, signed_in, count_queries):
    client = signed_in(owner)
    for _ in range(3):
        set_opening_hours(actor=owner, location=LocationFactory(), spans=[(0, "08:00", "12:00")])
    client.get(reverse("dashboard:location_list"))

    with count_queries() as few:
        client.get(reverse("dashboard:location_list"))
    for _ in range(5):
        set_opening_hours(actor=owner, location=LocationFactory(), spans=[(0, "08:00", "12:00")])
    with count_queries() as many:
        response = client.get(reverse("dashboard:location_list"))

    assert response.status_code == 200
    assert many.count == few.count
    assert many.count <= 8
