"""The customer profile links to the customer's conversation (staff who may message
customers) and lists their appointments, upcoming and past, at the locations the staff
member works at, with "Book an appointment" for staff who manage orders; the page's
query count does not grow with the appointments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.appointments.models import Appointment, AppointmentStatus
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]

VIEW = (Permission.VIEW_CUSTOMERS,)
ORDERS = (Permission.VIEW_CUSTOMERS, Permission.VIEW_ORDERS)
MANAGE = (Permission.VIEW_CUSTOMERS, Permission.VIEW_ORDERS, Permission.MANAGE_ORDERS)


def profile(client, customer):
    page = client.get(reverse("dashboard:customer_detail", args=[customer.pk]))
    assert page.status_code == 200
    return page.content.decode()


def appointment(customer, location, *, days: float, service: str, **fields) -> Appointment:
    return Appointment.objects.create(
        customer=customer,
        location=location,
        service_name=service,
        starts_at=timezone.now() + timedelta(days=days),
        **fields,
    )


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs")


def test_staff_who_may_message_customers_get_a_link_to_the_conversation(staff_client):
    customer = CustomerFactory()
    conversation = reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})

    messenger = staff_client(*VIEW, Permission.MESSAGE_CUSTOMERS, user__language="en")
    others = staff_client(*VIEW, user__language="en")

    assert f'href="{conversation}"' in profile(messenger, customer)
    assert conversation not in profile(others, customer)
    assert ">Messages<" not in profile(others, customer)


def test_the_profile_lists_upcoming_and_past_appointments_and_books_one(staff_client, location):
    customer = CustomerFactory()
    appointment(customer, location, days=3, service="Colour")
    appointment(customer, location, days=1, service="Haircut")
    appointment(customer, location, days=-5, service="Beard trim", status=AppointmentStatus.DONE)
    appointment(CustomerFactory(), location, days=2, service="Someone else's")
    client = staff_client(*MANAGE, user__language="en")

    page = profile(client, customer)

    block = page[page.index('id="customer-appointments"') :]
    upcoming, past = block.split("<h3>Past</h3>")
    assert upcoming.index("Haircut") < upcoming.index("Colour")  # soonest first
    assert "Beard trim" in past and "Done" in past
    assert "Someone else" not in page
    book = f"{reverse('dashboard:appointment_create')}?customer={customer.pk}"
    assert f'href="{book}"' in page
    form = client.get(book)
    assert form.status_code == 200
    assert str(form.context["form"]["customer"].value()) == str(customer.pk)


def test_booking_needs_manage_orders_and_the_block_view_orders(staff_client, location):
    customer = CustomerFactory()
    appointment(customer, location, days=1, service="Haircut")
    book = f"{reverse('dashboard:appointment_create')}?customer={customer.pk}"

    viewer = profile(staff_client(*ORDERS, user__language="en"), customer)
    assert "Haircut" in viewer and book not in viewer and "Book an appointment" not in viewer
    without_orders = profile(staff_client(*VIEW, user__language="en"), customer)
    assert 'id="customer-appointments"' not in without_orders and "Haircut" not in without_orders


def test_staff_see_only_the_appointments_at_their_locations(staff_client, location):
    elsewhere = LocationFactory(name="Batignolles")
    # A customer of this location: they ordered here.
    customer = checkout(location, [(stocked(location), 1)], fulfilment=PICKUP).customer
    appointment(customer, location, days=1, service="Haircut")
    appointment(customer, elsewhere, days=2, service="Colour")

    page = profile(staff_client(*MANAGE, locations=[location], user__language="en"), customer)

    assert "Haircut" in page and "Colour" not in page


def test_the_profile_query_count_does_not_grow_with_appointments(
    staff_client, location, count_queries
):
    few, many = CustomerFactory(), CustomerFactory()
    appointment(few, location, days=1, service="Haircut")
    for n in range(12):
        appointment(many, location, days=n - 6 + 0.5, service=f"Visit {n}")
    client = staff_client(*MANAGE, Permission.MESSAGE_CUSTOMERS, user__language="en")
    profile(client, few)  # warm the session and the shop cache

    with count_queries() as one:
        profile(client, few)
    with count_queries() as twelve:
        page = profile(client, many)

    assert twelve.count == one.count
    assert "Visit 0" in page and "Visit 11" in page
