"""The Appointments pages: the list per location ("View orders"), booking, editing and
the status buttons ("Manage orders"), the reminder delay ("Manage settings"). Refusals
change nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from comptoir.appointments.models import Appointment, AppointmentStatus
from comptoir.appointments.selectors import appointment_settings
from comptoir.team.permissions import Permission
from tests.appointments.conftest import NOW, START
from tests.factories import CustomerFactory, LocationFactory

pytestmark = pytest.mark.django_db

S = AppointmentStatus
LIST = reverse("dashboard:appointment_list")
CREATE = reverse("dashboard:appointment_create")
EDIT = reverse("dashboard:appointment_edit")
STATUS = reverse("dashboard:appointment_status")
SETTINGS = reverse("dashboard:appointment_settings")


@pytest.fixture
def manager_client(staff_client, location):
    return staff_client(Permission.MANAGE_ORDERS, locations=[location], user__language="en")


def form(location, who, **changes):
    data = {
        "customer": who.email,
        "service_name": "Haircut",
        "location": location.pk,
        "starts_at": "2026-06-03T14:30",  # Paris time: START
        "staff": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_the_list_shows_the_members_locations_only(staff_client, location, customer, book):
    elsewhere = LocationFactory(name="Batignolles")
    with time_machine.travel(NOW, tick=False):
        here = book(customer, service_name="Haircut here")
        there = book(customer, service_name="Colour there", location_id=elsewhere.pk)
        client = staff_client(Permission.VIEW_ORDERS, locations=[location], user__language="en")
        response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert here.service_name in page and there.service_name not in page
    assert "2:30" in page  # in the location's time zone
    assert "Customers get a reminder 24 hours before their appointment." in page


def test_the_list_needs_view_orders(staff_client):
    client = staff_client(Permission.VIEW_CUSTOMERS, user__language="en")
    assert client.get(LIST).status_code == 403


def test_booking_from_the_page(manager_client, location, customer):
    with time_machine.travel(NOW, tick=False):
        response = manager_client.post(CREATE, form(location, customer))
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{EDIT}?appointment={appointment.pk}"
    assert (appointment.customer, appointment.location) == (customer, location)
    assert appointment.starts_at == START  # typed in the location's time zone


def test_booking_finds_the_customer_by_phone_or_number(manager_client, location):
    customer = CustomerFactory(mobile="+33612345678")
    with time_machine.travel(NOW, tick=False):
        manager_client.post(CREATE, {**form(location, customer), "customer": "06 12 34 56 78"})
        manager_client.post(CREATE, {**form(location, customer), "customer": str(customer.pk)})
    assert Appointment.objects.filter(customer=customer).count() == 2


def test_booking_errors_are_shown_beside_their_fields(manager_client, location, customer):
    with time_machine.travel(NOW, tick=False):
        response = manager_client.post(
            CREATE,
            {**form(location, customer), "customer": "nobody@example.com"},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No customer has this number, email or phone" in page
    assert not Appointment.objects.exists()


def test_booking_needs_manage_orders(staff_client, location, customer):
    client = staff_client(Permission.VIEW_ORDERS, user__language="en")
    with time_machine.travel(NOW, tick=False):
        assert client.post(CREATE, form(location, customer)).status_code == 403
    assert not Appointment.objects.exists()


def test_editing_moves_the_appointment(manager_client, location, customer, book):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
        page = manager_client.get(EDIT, {"appointment": appointment.pk})
        assert page.status_code == 200 and "Haircut" in page.content.decode()
        response = manager_client.post(
            EDIT,
            {
                **form(location, customer, starts_at="2026-06-04T09:00"),
                "appointment": appointment.pk,
                "version": appointment.version,
            },
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == START + timedelta(hours=18, minutes=30)
    assert appointment.version == 2


def test_a_stale_edit_is_refused(manager_client, location, customer, book, manager):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
        response = manager_client.post(
            EDIT,
            {
                **form(location, customer, service_name="Colour"),
                "appointment": appointment.pk,
                "version": appointment.version + 5,
            },
        )
    assert response.status_code == 409
    assert "Someone else changed this appointment" in response.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).service_name == "Haircut"


def test_status_buttons(manager_client, customer, book):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    response = manager_client.post(
        STATUS, {"appointment": appointment.pk, "version": 1, "action": "cancel"}
    )
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).status == S.CANCELLED


def test_another_locations_appointment_is_not_found(staff_client, customer, book):
    with time_machine.travel(NOW, tick=False):
        appointment = book(customer)
    outsider = staff_client(
        Permission.MANAGE_ORDERS, locations=[LocationFactory()], user__language="en"
    )
    response = outsider.post(
        STATUS, {"appointment": appointment.pk, "version": 1, "action": "cancel"}
    )
    assert response.status_code == 404
    assert outsider.get(EDIT, {"appointment": appointment.pk}).status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == S.BOOKED


def test_the_reminder_delay_page(staff_client, manager_client):
    owner_like = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    assert owner_like.post(SETTINGS, {"reminder_hours": "12"}).status_code == 302
    assert appointment_settings().reminder_hours == 12
    assert owner_like.post(SETTINGS, {"reminder_hours": "0"}).status_code == 400
    assert manager_client.post(SETTINGS, {"reminder_hours": "2"}).status_code == 403
    assert appointment_settings().reminder_hours == 12
