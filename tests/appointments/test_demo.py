import pytest

from comptoir.appointments.demo import DEMO_APPOINTMENTS, seed_demo_appointments
from comptoir.appointments.models import Appointment, AppointmentStatus
from comptoir.messaging.models import Direction, Message
from comptoir.team.models import Access
from tests.factories import CustomerFactory


@pytest.mark.django_db
def test_the_demo_books_answered_appointments_once(location, make_member):
    owner = make_member(access=Access.OWNER)
    for index in range(3):
        CustomerFactory(mobile=f"+3361234567{index}")
    created: dict[str, int] = {}
    seed_demo_appointments(owner=owner, created=created, report=lambda line: None)
    seed_demo_appointments(owner=owner, created=created, report=lambda line: None)

    assert created["appointments"] == len(DEMO_APPOINTMENTS) == Appointment.objects.count()
    statuses = {a.service_name: a.status for a in Appointment.objects.all()}
    assert sorted(statuses.values()) == sorted(
        [AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED]
    )
    replies = Message.objects.filter(direction=Direction.INBOUND, appointment_id__isnull=False)
    assert sorted(replies.values_list("body", flat=True)) == ["C", "annuler"]
