"""Customers are notified of their order's status changes on one channel, the one they
most recently received a receipt (or a reminder) on (decision 0025): a shopper who asked
for texts about the order gets texts and no duplicate email; the others get emails; a
STOPped number falls back to email; an order without receipt follows the customer's
latest receipt or reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from comptoir.appointments.models import Appointment
from comptoir.appointments.reminders import send_reminder
from comptoir.consent.models import HowObtained
from comptoir.consent.services import attest_text_consent, opt_out, subscription_for
from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.models import Channel, Message, MessageKind
from comptoir.orders.counter import PaymentChoice, place_counter_order
from comptoir.orders.fulfilment import accept_order, mark_order_ready
from comptoir.orders.models import OrderEvent
from comptoir.orders.services import Contact
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.selectors import get_shop
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

PHONE = "+33611223344"


@pytest.fixture(autouse=True)
def _english():
    shop = get_shop()
    shop.name = "Boulangerie Martin"
    shop.published_language = "en"
    shop.save()
    with translation.override("en"):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", fulfilment_types=[o.value for o in Offer])


def place(location, *, texts: bool):
    return checkout(
        location,
        [(stocked(location, price=300), 2)],
        fulfilment=PICKUP,
        contact=Contact(email="camille@example.com", first_name="Camille", phone=PHONE),
        sms_consent="Text me about this order" if texts else None,
        language="en",
    )


def move(callbacks, service, actor, order):
    order.refresh_from_db()
    with callbacks(execute=True):
        return service(actor=actor, order_id=order.pk, expected_version=order.version)


def texts(order) -> list[Message]:
    return list(Message.objects.filter(order=order, kind=MessageKind.ORDER_UPDATE).order_by("pk"))


def update_emails(order) -> list[OutgoingEmail]:
    kinds = ("order_accepted", "order_ready_for_pickup")
    return list(OutgoingEmail.objects.filter(kind__in=kinds).order_by("pk"))


def test_a_shopper_who_asked_for_texts_gets_texts_and_no_duplicate_email(
    owner, location, django_capture_on_commit_callbacks
):
    order = place(location, texts=True)
    # The receipt went both ways (the email is the record of the purchase).
    assert OutgoingEmail.objects.filter(kind="order_receipt").exists()

    accepted = move(django_capture_on_commit_callbacks, accept_order, owner, order)
    move(django_capture_on_commit_callbacks, mark_order_ready, owner, order)

    assert [m.channel for m in texts(order)] == [Channel.SMS, Channel.SMS]
    assert update_emails(order) == []
    assert accepted.email is None
    assert all("email_id" not in e.detail for e in OrderEvent.objects.filter(order=order))


def test_a_shopper_without_texts_gets_emails_only(
    owner, location, django_capture_on_commit_callbacks
):
    order = place(location, texts=False)

    accepted = move(django_capture_on_commit_callbacks, accept_order, owner, order)
    move(django_capture_on_commit_callbacks, mark_order_ready, owner, order)

    assert [e.kind for e in update_emails(order)] == ["order_accepted", "order_ready_for_pickup"]
    assert accepted.email is not None and accepted.email.to_address == "camille@example.com"
    assert texts(order) == []


def test_a_number_that_replied_stop_gets_the_update_by_email(
    owner, location, django_capture_on_commit_callbacks
):
    order = place(location, texts=True)
    with transaction.atomic():
        sub = subscription_for(PHONE, order.customer)
        opt_out(sub=sub, customer=order.customer, reply="STOP", provider_message_id="SM1")

    move(django_capture_on_commit_callbacks, accept_order, owner, order)

    assert [e.kind for e in update_emails(order)] == ["order_accepted"]
    assert texts(order) == []


def test_an_order_without_receipt_follows_the_latest_reminder_by_text(
    owner, location, django_capture_on_commit_callbacks
):
    # Known by phone only, agreed to texts, reminded of an appointment by text.
    customer = CustomerFactory(mobile=PHONE, email=None, language="en")
    attest_text_consent(actor=owner, customer=customer, how_obtained=HowObtained.IN_PERSON)
    appointment = Appointment.objects.create(
        customer=customer,
        location=location,
        service_name="Cake tasting",
        starts_at=timezone.now() + timedelta(hours=2),
    )
    send_reminder(appointment.pk)
    assert Message.objects.get(kind=MessageKind.REMINDER).channel == Channel.SMS
    # A phone order at the counter: no email, so no receipt at all.
    order = place_counter_order(
        actor=owner,
        idempotency_key="phone-order",
        location=location,
        lines=[(stocked(location, price=300), 1)],
        customer=customer,
        fulfilment=PICKUP,
        payment=PaymentChoice.IN_PERSON,
    )
    assert order.email == "" and not order.sms_consent

    move(django_capture_on_commit_callbacks, accept_order, owner, order)

    [update] = texts(order)
    assert (update.channel, update.to_address) == (Channel.SMS, PHONE)
    assert f"your order {order.number} is accepted" in update.body


def test_without_a_receipt_or_reminder_by_text_an_order_without_email_is_not_texted(
    owner, location, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(mobile=PHONE, email=None, language="en")
    attest_text_consent(actor=owner, customer=customer, how_obtained=HowObtained.IN_PERSON)
    order = place_counter_order(
        actor=owner,
        idempotency_key="phone-order",
        location=location,
        lines=[(stocked(location, price=300), 1)],
        customer=customer,
        fulfilment=PICKUP,
        payment=PaymentChoice.IN_PERSON,
    )

    move(django_capture_on_commit_callbacks, accept_order, owner, order)

    assert texts(order) == [] and update_emails(order) == []
