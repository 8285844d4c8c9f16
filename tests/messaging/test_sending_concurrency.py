"""Two workers at once (PostgreSQL): a queued text is handed to the provider once, and
messages arriving together all count as unread in one conversation."""

from __future__ import annotations

import pytest

from comptoir.messaging import services
from comptoir.messaging.delivery import deliver_message
from comptoir.messaging.models import Channel, Conversation, Message, MessageStatus
from comptoir.shop.selectors import get_shop
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import CustomerFactory

MOBILE = "+33612345678"
WORKERS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_running_the_same_send_at_once_send_it_once(
    twilio_standin, verified_business, messaging_member
):
    skip_unless_postgres()
    get_shop()
    customer = CustomerFactory(mobile=MOBILE)
    services.record_inbound(customer=customer, channel=Channel.SMS, body="Hi", from_address=MOBILE)
    message = services.send_message(
        actor=messaging_member, customer=customer, channel=Channel.SMS, body="Once only"
    )

    outcomes = run_at_once(WORKERS, lambda n: deliver_message(message.pk, last_attempt=False))

    assert outcomes.count("sent") == 1, outcomes
    assert len(twilio_standin.delivered) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_messages_arriving_together_make_one_conversation_and_count_all_unread():
    skip_unless_postgres()
    get_shop()
    customer = CustomerFactory(mobile=MOBILE)

    outcomes = run_at_once(
        WORKERS,
        lambda n: (
            services.record_inbound(
                customer=customer, channel=Channel.SMS, body=f"text {n}", from_address=MOBILE
            ).pk
        ),
    )

    assert all(isinstance(pk, int) for pk in outcomes), outcomes
    conversation = Conversation.objects.get()
    assert conversation.unread_count == WORKERS
    assert Message.objects.filter(conversation=conversation).count() == WORKERS
