"""Receipts: the order confirmation email answers to the customer's conversation (its
Reply-To carries the conversation's token) and is recorded there, linked to the order,
so that a reply lands in the conversation linked to the order; shoppers who chose texts
also get a text receipt, and a reply to it is linked to that order (latest receipt
within 7 days)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from comptoir.consent.services import opt_out, subscription_for
from comptoir.mail.delivery import deliver_email
from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.inbound_email import receive_email
from comptoir.messaging.models import Channel, Direction, Message, MessageKind
from comptoir.messaging.order_texts import order_for_reply
from comptoir.messaging.services import conversation_for
from comptoir.orders.services import Contact
from comptoir.shop.selectors import get_shop
from tests.factories import LocationFactory
from tests.messaging.inbound_mail import REPLY_DOMAIN, customer_email
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

PHONE = "+33611223344"


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    shop = get_shop()
    shop.name = "Boulangerie Martin"
    shop.published_language = "en"
    shop.save()
    with translation.override("en"):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs")


def place(location, *, texts=False, email="camille@example.com"):
    return checkout(
        location,
        [(stocked(location, price=300), 2)],
        fulfilment=PICKUP,
        contact=Contact(email=email, first_name="Camille", last_name="Martin", phone=PHONE),
        sms_consent="Text me about this order" if texts else None,
        language="en",
    )


def send_receipt(order) -> OutgoingEmail:
    email = OutgoingEmail.objects.get(kind="order_receipt", about_id=order.pk)
    assert deliver_email(email.pk, last_attempt=True) == "sent"
    email.refresh_from_db()
    return email


def receipts(order):
    return Message.objects.filter(order=order, kind=MessageKind.RECEIPT).order_by("pk")


def test_the_receipt_email_replies_to_the_customers_conversation(location):
    order = place(location)
    email = send_receipt(order)

    conversation = conversation_for(order.customer)
    (sent,) = mail.outbox
    assert sent.reply_to == [f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"]
    assert sent.extra_headers["Message-ID"] == email.provider_message_id
    (receipt,) = receipts(order)
    assert receipt.conversation == conversation
    assert (receipt.direction, receipt.channel) == (Direction.OUTBOUND, Channel.EMAIL)
    assert receipt.email_message_id == email.provider_message_id
    assert receipt.body == f"Receipt for order {order.number}, sent by email."
    assert receipt.to_address == "camille@example.com"


def test_a_retried_receipt_is_recorded_once(location):
    order = place(location)
    email = send_receipt(order)
    OutgoingEmail.objects.filter(pk=email.pk).update(status="queued")  # sent again
    assert deliver_email(email.pk, last_attempt=True) == "sent"
    assert receipts(order).count() == 1
    assert len({m.reply_to[0] for m in mail.outbox}) == 1


def test_a_reply_to_the_receipt_lands_in_the_conversation_linked_to_the_order(location):
    order = place(location)
    email = send_receipt(order)
    reply_to = mail.outbox[0].reply_to[0]

    message = receive_email(
        customer_email(
            sender="camille@example.com",
            to=reply_to,
            subject=f"Re: {email.subject}",
            body="Could I pick it up at 6 instead?",
            in_reply_to=email.provider_message_id,
        )
    )

    assert message.conversation == conversation_for(order.customer)
    assert message.direction == Direction.INBOUND
    assert message.order == order
    assert order_for_reply(message.conversation, email.provider_message_id) == order


def test_a_reply_without_references_is_about_the_latest_receipt_of_the_week(location):
    first = place(location)
    second = place(location)
    send_receipt(first)
    send_receipt(second)
    conversation = conversation_for(second.customer)
    assert order_for_reply(conversation, "") == second
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert order_for_reply(conversation, "") is None


def test_shoppers_who_chose_texts_get_a_text_receipt(location):
    order = place(location, texts=True)
    (receipt,) = receipts(order).filter(channel=Channel.SMS)
    assert receipt.to_address == PHONE
    assert receipt.body.startswith(
        f"Boulangerie Martin: thank you for your order {order.number} (€6.00). Follow it here: "
    )
    assert receipt.body.endswith(f"/orders/{order.number}/status/{order.status_token}/")


def test_a_reply_to_the_text_receipt_is_linked_to_its_order(location):
    order = place(location, texts=True)
    conversation = conversation_for(order.customer)
    assert order_for_reply(conversation, channel=Channel.SMS) == order


def test_no_text_receipt_without_consent_or_after_stop(location):
    order = place(location)
    assert not receipts(order).filter(channel=Channel.SMS).exists()

    with transaction.atomic():
        sub = subscription_for(PHONE, order.customer)
        opt_out(sub=sub, customer=order.customer, reply="STOP", provider_message_id="SM1")
    again = place(location, texts=True)
    assert again.pk  # the order is placed
    assert not receipts(again).filter(channel=Channel.SMS).exists()


def test_the_text_receipt_is_written_in_the_shoppers_language(location):
    shop = get_shop()
    shop.publishes_both_languages = True
    shop.save()
    order = checkout(
        location,
        [(stocked(location, price=300), 2)],
        fulfilment=PICKUP,
        contact=Contact(email="lea@example.com", first_name="Léa", phone=PHONE),
        sms_consent="Envoyez-moi des SMS sur cette commande",
        language="fr",
    )
    (receipt,) = receipts(order).filter(channel=Channel.SMS)
    assert "(6,00\xa0€)" in receipt.body  # the amount as French readers write it
