from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.utils import translation

from comptoir.appointments import services
from comptoir.consent.models import HowObtained
from comptoir.consent.services import attest_text_consent, opt_out, subscription_for
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory

# 10:00 in Paris on a Monday; appointments are booked for two days later.
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 6, 3, 12, 30, tzinfo=UTC)  # Wednesday 3 June, 14:30 in Paris
MOBILE = "+33612345678"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Assertions read the English source messages, whatever the .po files say."""
    with translation.override("en"):
        yield


@pytest.fixture
def shop(db):
    shop = get_shop()
    shop.name = "Salon Lumière"
    shop.publishes_both_languages = True
    shop.published_language = "fr"
    shop.save()
    return shop


@pytest.fixture
def location(shop):
    return LocationFactory(name="Martyrs", time_zone="Europe/Paris")


@pytest.fixture
def manager(make_member, location):
    return make_member(permissions=[Permission.MANAGE_ORDERS])


@pytest.fixture
def owner_member(make_member, shop):
    return make_member(access=Access.OWNER)


@pytest.fixture
def customer(db):
    return CustomerFactory(first_name="Hélène", last_name="Martin", mobile=MOBILE, language="en")


@pytest.fixture
def textable(owner_member):
    """``textable(customer)``: a team member confirmed the customer agreed to texts."""

    def attest(customer):
        attest_text_consent(
            actor=owner_member, customer=customer, how_obtained=HowObtained.IN_PERSON
        )
        return customer

    return attest


@pytest.fixture
def stopped():
    """``stopped(customer)``: the customer's number replied STOP."""

    def stop(customer):
        with transaction.atomic():
            sub = subscription_for(customer.mobile or customer.phone, customer)
            opt_out(sub=sub, customer=customer, reply="STOP", provider_message_id="SMstop")
        return customer

    return stop


@pytest.fixture
def book(manager, location):
    """``book(customer, starts_at=START, **details)``: an appointment booked by the manager."""

    def make(customer, starts_at=START, **details):
        values = {"service_name": "Haircut", "location_id": location.pk, "starts_at": starts_at}
        values.update(details)
        return services.book_appointment(
            actor=manager,
            customer_id=customer.pk,
            details=services.AppointmentDetails(**values),
        )

    return make
