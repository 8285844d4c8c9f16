"""The same email delivered several times at once (a provider's retry racing the first
delivery, or MX and webhook both configured) is recorded once (PostgreSQL, threads)."""

from __future__ import annotations

import pytest

from comptoir.customers.models import Customer
from comptoir.messaging.inbound_email import receive_email
from comptoir.messaging.models import Message
from comptoir.messaging.services import conversation_for
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import CustomerFactory
from tests.messaging.inbound_mail import REPLY_DOMAIN, customer_email, fixture_reply

DELIVERIES = 4

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN


def test_one_reply_delivered_four_times_at_once_is_recorded_once():
    skip_unless_postgres()
    conversation = conversation_for(CustomerFactory())
    raw = fixture_reply("apple_mail_fr", token=conversation.reply_token)

    outcomes = run_at_once(DELIVERIES, lambda n: receive_email(raw).pk)

    message = Message.objects.get()
    assert outcomes == [message.pk] * DELIVERIES
    conversation.refresh_from_db()
    assert conversation.unread_count == 1


def test_a_new_sender_writing_once_delivered_four_times_at_once_is_one_customer_and_one_message():
    skip_unless_postgres()
    raw = customer_email(
        sender="Inès Moreau <ines.moreau@example.test>",
        to=f"bonjour@{REPLY_DOMAIN}",
        message_id="<first-contact@example.test>",
    )

    outcomes = run_at_once(DELIVERIES, lambda n: receive_email(raw).pk)

    message = Message.objects.get()
    assert outcomes == [message.pk] * DELIVERIES
    assert Customer.objects.get().email == "ines.moreau@example.test"
