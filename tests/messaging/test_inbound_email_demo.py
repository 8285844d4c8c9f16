"""The demo's inbound email replies (``seed_demo_email_replies``)."""

from __future__ import annotations

import pytest

from comptoir.messaging.demo_email import seed_demo_email_replies
from comptoir.messaging.models import Direction
from comptoir.messaging.services import conversation_for
from tests.factories import CustomerFactory, LocationFactory
from tests.messaging.inbound_mail import REPLY_DOMAIN, sent_email
from tests.orders.factories import checkout, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN


def test_the_demo_replies_to_a_receipt_and_to_a_staff_email_once():
    location = LocationFactory()
    order = checkout(location, [(stocked(location, price=450), 1)])
    camille = conversation_for(CustomerFactory(first_name="Camille"))
    louis = conversation_for(CustomerFactory(first_name="Louis"))
    sent_email(camille, message_id="<receipt@mail.boulangerie.test>", order=order)
    sent_email(louis, message_id="<staff@mail.boulangerie.test>")
    created: dict[str, int] = {}

    first = seed_demo_email_replies(created=created, report=lambda line: None)
    again = seed_demo_email_replies(created=created, report=lambda line: None)

    assert again == []
    assert created["email replies"] == 2
    receipt_reply = camille.messages.get(direction=Direction.INBOUND)
    assert receipt_reply.order == order
    assert receipt_reply.body.startswith("Il manquait la baguette tradition")
    assert "Envoyé de mon iPhone" not in receipt_reply.body
    assert "Envoyé de mon iPhone" in receipt_reply.full_body
    question = louis.messages.get(direction=Direction.INBOUND)
    assert question.in_reply_to == "<staff@mail.boulangerie.test>"
    assert "a écrit" not in question.body and question.body.endswith("Louis")
    assert {message.pk for message in first} == {receipt_reply.pk, question.pk}


def test_without_any_email_sent_the_demo_writes_first_and_says_what_is_missing():
    customer = CustomerFactory()
    lines: list[str] = []

    seed_demo_email_replies(created={}, report=lines.append)

    assert lines == ["Demo receipt reply not added: no receipt was emailed."]
    assert customer.conversation.messages.get().direction == Direction.INBOUND
