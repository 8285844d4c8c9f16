"""A customer's text reply to a text receipt, received through the Twilio webhook, lands
in their conversation linked to that order (the latest text receipt of the week)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comptoir.messaging.models import Channel, Direction, Message, MessageKind
from comptoir.orders.services import Contact
from tests.consent import fixtures
from tests.consent.fixtures import MOBILE
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

# The consent tests' fixtures (tests/consent/fixtures.py), used here by name.
_english = fixtures._english
shop = fixtures.shop
text_in = fixtures.text_in
twilio_settings = fixtures.twilio_settings


def place_with_texts(location, phone: str = MOBILE):
    return checkout(
        location,
        [(stocked(location, price=300), 2)],
        fulfilment=PICKUP,
        contact=Contact(email="camille@example.com", first_name="Camille", phone=phone),
        sms_consent="Text me about this order",
        language="en",
    )


def inbound(body: str) -> Message:
    return Message.objects.get(direction=Direction.INBOUND, body=body)


def test_a_text_reply_to_a_text_receipt_is_linked_to_that_order(text_in, shop):
    location = LocationFactory(name="Martyrs")
    place_with_texts(location)
    order = place_with_texts(location)  # the latest receipt is the one answered
    assert Message.objects.filter(
        order=order, kind=MessageKind.RECEIPT, channel=Channel.SMS
    ).exists()

    text_in("Can I add a croissant?")

    reply = inbound("Can I add a croissant?")
    assert (reply.kind, reply.channel, reply.order) == (MessageKind.CUSTOMER, Channel.SMS, order)
    assert reply.conversation.customer == order.customer


def test_a_text_without_a_recent_text_receipt_has_no_order(text_in, shop):
    location = LocationFactory(name="Martyrs")
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        place_with_texts(location)

    text_in("Are you open on Sunday?")

    assert inbound("Are you open on Sunday?").order is None
