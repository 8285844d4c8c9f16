"""``comptoir mail-in``: real SMTP conversations over loopback (smtplib -> the aiosmtpd
receiver, built as the command builds it) landing in the right conversation."""

from __future__ import annotations

import io
import os
import re
import signal
import smtplib
import threading
import time
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from comptoir.customers.models import Customer
from comptoir.messaging.mail_in import MailInController, build_controller
from comptoir.messaging.models import Message
from comptoir.messaging.services import conversation_for
from tests.factories import CustomerFactory
from tests.messaging.inbound_mail import (
    REPLY_DOMAIN,
    REPLY_FIXTURES,
    customer_email,
    expected_body,
    fixture_reply,
)

# The receiver records messages from its own threads, on their own connections.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN


@pytest.fixture
def receiver() -> Iterator[MailInController]:
    controller = build_controller(host="127.0.0.1", port=0, max_size=200_000)
    controller.start()
    yield controller
    controller.stop()


def deliver(receiver: MailInController, raw: bytes, *, sender: str, to: list[str]) -> dict:
    """Send ``raw`` as a mail server would: lines ending in CRLF (smtplib leaves bytes as
    they are)."""
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", receiver.port, timeout=10) as client:
        client.ehlo("mx.customer.test")
        return client.sendmail(sender, to, raw)


@pytest.mark.parametrize("name", REPLY_FIXTURES)
def test_a_reply_delivered_over_smtp_lands_in_its_conversation_with_quotes_stripped(receiver, name):
    customer = CustomerFactory()
    other = conversation_for(CustomerFactory())
    conversation = conversation_for(customer)
    raw = fixture_reply(name, token=conversation.reply_token)

    refused = deliver(
        receiver,
        raw,
        sender="bounce@client.test",
        to=[f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"],
    )

    assert refused == {}
    message = Message.objects.get()
    assert message.conversation_id == conversation.pk
    assert message.body == expected_body(name)
    assert message.raw_source.replace("\r\n", "\n") == raw.decode().replace("\r\n", "\n")
    assert message.email_message_id
    assert not other.messages.exists()


def test_an_unknown_sender_writing_to_the_shop_domain_becomes_a_customer(receiver):
    raw = customer_email(sender="Noé Petit <noe.petit@example.test>", to=f"bonjour@{REPLY_DOMAIN}")

    deliver(receiver, raw, sender="noe.petit@example.test", to=[f"bonjour@{REPLY_DOMAIN}"])

    customer = Customer.objects.get(email__iexact="noe.petit@example.test")
    assert customer.first_name == "Noé"
    assert customer.conversation.messages.get().body == "Bonjour, est-ce ouvert dimanche ?"


def test_attachments_sent_over_smtp_are_stored(receiver):
    conversation = conversation_for(CustomerFactory(email="lea@example.test"))
    to = f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"
    raw = customer_email(
        sender="lea@example.test",
        to=to,
        body="La photo du gâteau voulu.",
        attachments=(("gâteau.png", "image/png", b"\x89PNG\r\n\x1a\nimage"),),
    )

    deliver(receiver, raw, sender="lea@example.test", to=[to])

    attachment = conversation.messages.get().attachments.get()
    assert (attachment.filename, attachment.content_type) == ("gâteau.png", "image/png")
    with attachment.file.open("rb") as stored:
        assert stored.read() == b"\x89PNG\r\n\x1a\nimage"


def test_a_recipient_of_a_foreign_domain_is_refused_with_550(receiver):
    raw = customer_email(sender="spammer@example.test", to="victim@gmail.test")

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        deliver(receiver, raw, sender="spammer@example.test", to=["victim@gmail.test"])

    code, _text = refused.value.recipients["victim@gmail.test"]
    assert code == 550
    assert not Message.objects.exists()
    assert not Customer.objects.exists()


def test_only_the_shop_recipients_of_a_mixed_delivery_are_accepted(receiver):
    raw = customer_email(sender="paul@example.test", to=f"bonjour@{REPLY_DOMAIN}")

    refused = deliver(
        receiver, raw, sender="paul@example.test", to=[f"bonjour@{REPLY_DOMAIN}", "x@other.test"]
    )

    assert refused["x@other.test"][0] == 550
    assert Message.objects.count() == 1


def test_a_message_over_the_size_limit_is_refused(receiver):
    raw = customer_email(
        sender="paul@example.test", to=f"bonjour@{REPLY_DOMAIN}", body="x" * 300_000
    )

    with pytest.raises(smtplib.SMTPException) as refused:
        deliver(receiver, raw, sender="paul@example.test", to=[f"bonjour@{REPLY_DOMAIN}"])

    assert "552" in str(refused.value) or getattr(refused.value, "smtp_code", None) == 552
    assert not Message.objects.exists()


def test_another_domain_given_to_the_receiver_is_accepted():
    controller = build_controller(host="127.0.0.1", port=0, domains=["boulangerie.test"])
    controller.start()
    try:
        raw = customer_email(sender="paul@example.test", to="contact@boulangerie.test")
        refused = deliver(
            controller, raw, sender="paul@example.test", to=["contact@boulangerie.test"]
        )
    finally:
        controller.stop()

    assert refused == {}
    assert Message.objects.get().from_address == "paul@example.test"


def test_the_command_refuses_a_port_out_of_range():
    with pytest.raises(CommandError, match="not a port number"):
        call_command("mail_in", port=70000)


def test_the_command_receives_mail_until_it_is_stopped():
    """``comptoir mail-in --port 0`` as an operator runs it: it says where it listens,
    stores what it receives, and stops on SIGTERM."""
    conversation = conversation_for(CustomerFactory())
    to = f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"
    out = io.StringIO()
    problems: list[str] = []

    def customer_mail_server() -> None:
        try:
            deadline = time.monotonic() + 20
            while not (started := re.search(r"Receiving mail on [\d.]+:(\d+)", out.getvalue())):
                if time.monotonic() > deadline:
                    raise TimeoutError(out.getvalue())
                time.sleep(0.05)
            raw = fixture_reply("gmail_fr", token=conversation.reply_token)
            raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            with smtplib.SMTP("127.0.0.1", int(started.group(1)), timeout=10) as client:
                client.sendmail("helene@gmail.test", [to], raw)
        except Exception as error:
            problems.append(repr(error))
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=customer_mail_server)
    thread.start()
    call_command("mail_in", "--host", "127.0.0.1", "--port", "0", stdout=out)
    thread.join(timeout=30)

    assert problems == []
    assert f"for {REPLY_DOMAIN}" in out.getvalue()
    assert out.getvalue().rstrip().endswith("mail-in stopped")
    assert conversation.messages.get().body == expected_body("gmail_fr")


def test_a_bounce_for_no_conversation_is_accepted_and_dropped(receiver):
    raw = customer_email(
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.test>",
        to=f"bonjour@{REPLY_DOMAIN}",
        body="Delivery Status Notification (Failure)",
    )

    refused = deliver(receiver, raw, sender="", to=[f"bonjour@{REPLY_DOMAIN}"])

    assert refused == {}  # accepted: refusing a bounce would only make another one
    assert not Customer.objects.exists()
    assert not Message.objects.exists()
