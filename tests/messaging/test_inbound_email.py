"""Inbound email matched to its conversation: the reply token, else the threading
headers, else the sender's address, else a new customer; stored whole and stripped."""

from __future__ import annotations

import pytest

from comptoir.customers.models import Customer
from comptoir.messaging.inbound_email import parse_email, receive_email
from comptoir.messaging.models import Direction, Message, MessageStatus
from comptoir.messaging.services import conversation_for
from tests.factories import CustomerFactory, LocationFactory
from tests.messaging.inbound_mail import (
    FIXTURE_PARENT_ID,
    REPLY_DOMAIN,
    customer_email,
    expected_body,
    fixture_reply,
    sent_email,
)
from tests.orders.factories import checkout, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN


@pytest.fixture
def helene():
    return CustomerFactory(
        first_name="Hélène", last_name="Martin", email="helene.martin@gmail.test"
    )


def test_a_reply_to_the_token_address_lands_in_its_conversation_stripped_and_kept_whole(helene):
    conversation = conversation_for(helene)
    raw = fixture_reply("gmail_fr", token=conversation.reply_token)

    message = receive_email(raw)

    assert message.conversation == conversation
    assert message.direction == Direction.INBOUND
    assert message.status == MessageStatus.RECEIVED
    assert message.body == expected_body("gmail_fr")
    assert "Votre galette des rois est prête samedi matin." in message.full_body
    assert message.subject == "Re: Votre commande de galettes"
    assert message.email_message_id == "<CAH7xkLr+gmailfr01@mail.gmail.com>"
    assert message.in_reply_to == FIXTURE_PARENT_ID
    assert message.from_address == "helene.martin@gmail.test"
    assert message.raw_source == raw.decode()
    assert "<blockquote>" in message.html_body and "<script" not in message.html_body
    assert "onerror" not in message.html_body
    conversation.refresh_from_db()
    assert conversation.unread_count == 1
    assert conversation.last_inbound_channel == "email"


def test_the_token_wins_over_a_from_address_known_on_another_customer(helene):
    other = CustomerFactory(email="jane.cooper@gmail.test")
    conversation = conversation_for(helene)

    message = receive_email(fixture_reply("gmail_en", token=conversation.reply_token))

    assert message.conversation == conversation
    assert not Message.objects.filter(conversation__customer=other).exists()


def test_the_token_of_the_smtp_envelope_is_enough_when_the_headers_lost_it(helene):
    conversation = conversation_for(helene)
    raw = customer_email(
        sender="someone.else@forwarder.test", to="Boulangerie <contact@boulangerie.test>"
    )

    message = receive_email(
        raw, envelope_recipients=[f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"]
    )

    assert message.conversation == conversation
    assert Customer.objects.count() == 1


def test_a_token_on_a_foreign_domain_is_not_trusted(helene):
    conversation = conversation_for(helene)
    raw = customer_email(
        sender="stranger@elsewhere.test", to=f"reply+{conversation.reply_token}@evil.test"
    )

    message = receive_email(raw)

    assert message.conversation != conversation
    assert message.conversation.customer.email == "stranger@elsewhere.test"


def test_a_reply_without_the_token_but_with_references_joins_the_conversation(helene):
    """A client that rewrote the To address (or a forward from the customer's other
    mailbox) still threads by References."""
    conversation = conversation_for(helene)
    sent_email(conversation, message_id="<first@mail.boulangerie.test>")
    sent_email(conversation, message_id="<second@mail.boulangerie.test>")
    raw = customer_email(
        sender="Hélène au bureau <h.martin@mairie.test>",
        to="contact@boulangerie.test",
        references="<first@mail.boulangerie.test> <second@mail.boulangerie.test>",
    )

    message = receive_email(raw)

    assert message.conversation == conversation
    assert not Customer.objects.filter(email="h.martin@mairie.test").exists()


def test_in_reply_to_without_angle_brackets_still_matches(helene):
    conversation = conversation_for(helene)
    sent_email(conversation, message_id="<abc.123@mail.boulangerie.test>")
    raw = customer_email(
        sender="h.martin@mairie.test",
        to="contact@boulangerie.test",
        in_reply_to="abc.123@mail.boulangerie.test",
    )

    assert receive_email(raw).conversation == conversation


def test_a_reply_with_neither_token_nor_references_joins_by_the_known_sender(helene):
    conversation = conversation_for(helene)
    raw = customer_email(sender="HELENE.Martin@Gmail.test", to=f"bonjour@{REPLY_DOMAIN}")

    message = receive_email(raw)

    assert message.conversation == conversation
    assert Customer.objects.count() == 1


def test_an_unknown_token_falls_back_to_the_sender(helene):
    conversation = conversation_for(helene)
    raw = customer_email(
        sender="helene.martin@gmail.test", to=f"reply+AAAAAAAAAAAAAAAAAAAAAA@{REPLY_DOMAIN}"
    )

    assert receive_email(raw).conversation == conversation


def test_an_unknown_sender_becomes_a_new_customer_with_their_name():
    raw = customer_email(
        sender='"Léa Fontaine" <Lea.Fontaine@example.test>', to=f"bonjour@{REPLY_DOMAIN}"
    )

    message = receive_email(raw)

    customer = message.conversation.customer
    assert (customer.first_name, customer.last_name) == ("Léa", "Fontaine")
    assert customer.email.lower() == "lea.fontaine@example.test"
    assert message.body == "Bonjour, est-ce ouvert dimanche ?"


def test_the_same_message_delivered_twice_is_recorded_once(helene):
    conversation = conversation_for(helene)
    raw = fixture_reply("outlook_fr", token=conversation.reply_token)

    first = receive_email(raw)
    second = receive_email(raw)

    assert second.pk == first.pk
    assert conversation.messages.count() == 1
    conversation.refresh_from_db()
    assert conversation.unread_count == 1


def test_attachments_are_stored_and_listed(helene):
    conversation = conversation_for(helene)
    pdf = b"%PDF-1.4 devis signe"
    raw = customer_email(
        sender="helene.martin@gmail.test",
        to=f"reply+{conversation.reply_token}@{REPLY_DOMAIN}",
        body="Voici le devis signé.",
        attachments=(
            ("devis signé.pdf", "application/pdf", pdf),
            ("photo.jpg", "image/jpeg", b"\xff\xd8jpeg"),
        ),
    )

    message = receive_email(raw)

    attachments = list(message.attachments.order_by("id"))
    assert [(a.filename, a.content_type, a.size) for a in attachments] == [
        ("devis signé.pdf", "application/pdf", len(pdf)),
        ("photo.jpg", "image/jpeg", 6),
    ]
    with attachments[0].file.open("rb") as stored:
        assert stored.read() == pdf


def test_a_reply_to_a_receipt_is_linked_to_its_order(helene):
    location = LocationFactory()
    order = checkout(location, [(stocked(location, price=450), 1)])
    conversation = conversation_for(helene)
    sent_email(conversation, message_id="<receipt-1@mail.boulangerie.test>", order=order)
    raw = customer_email(
        sender="helene.martin@gmail.test",
        to=f"reply+{conversation.reply_token}@{REPLY_DOMAIN}",
        in_reply_to="<receipt-1@mail.boulangerie.test>",
        body="Il manquait la baguette dans le sac.",
    )

    assert receive_email(raw).order == order


def test_an_html_only_email_shows_its_text_without_the_quote():
    raw = customer_email(
        sender="paul@example.test",
        to=f"bonjour@{REPLY_DOMAIN}",
        body="placeholder",
        html="<div>Oui, merci !</div><blockquote>Voulez-vous la galette ?</blockquote>",
    )
    # Keep only the HTML part, as some clients send it.
    message = parse_email(raw)
    html_only = (
        b"From: paul@example.test\r\nTo: bonjour@" + REPLY_DOMAIN.encode() + b"\r\n"
        b"Subject: Re: galette\r\nMessage-ID: <html-only@example.test>\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n" + message.html.encode()
    )

    stored = receive_email(html_only)

    assert stored.body == "Oui, merci !"
    assert "Voulez-vous la galette ?" in stored.full_body


def test_parse_email_reads_recipients_from_every_delivery_header():
    raw = (
        b"From: a@example.test\r\nTo: shop@example.test\r\nCc: reply+tok12345@x.test\r\n"
        b"Delivered-To: reply+tok67890@x.test\r\nX-Original-To: other@x.test\r\n"
        b"Subject: hi\r\n\r\nhello\r\n"
    )

    assert parse_email(raw).recipients == [
        "shop@example.test",
        "reply+tok12345@x.test",
        "reply+tok67890@x.test",
        "other@x.test",
    ]


def test_an_out_of_office_reply_from_an_unknown_address_creates_no_customer():
    raw = customer_email(
        sender="Paul Durand <paul.durand@example.test>",
        to=f"bonjour@{REPLY_DOMAIN}",
        body="Je suis absent jusqu'au 4 janvier.",
        headers={"Auto-Submitted": "auto-replied"},
    )

    assert receive_email(raw) is None
    assert not Customer.objects.exists()
    assert not Message.objects.exists()


def test_an_out_of_office_reply_of_a_known_customer_is_shown_in_her_conversation(helene):
    conversation = conversation_for(helene)
    raw = customer_email(
        sender="helene.martin@gmail.test",
        to=f"reply+{conversation.reply_token}@{REPLY_DOMAIN}",
        body="Je suis absente jusqu'au 4 janvier.",
        headers={"Auto-Submitted": "auto-replied"},
    )

    assert receive_email(raw).conversation == conversation


def test_a_bounce_from_the_null_sender_is_kept_only_when_it_names_a_conversation(helene):
    conversation = conversation_for(helene)
    bounce = customer_email(
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.test>",
        to=f"reply+{conversation.reply_token}@{REPLY_DOMAIN}",
        body="Address not found: your message wasn't delivered.",
    )
    stray = customer_email(
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.test>",
        to=f"bonjour@{REPLY_DOMAIN}",
        body="Address not found: your message wasn't delivered.",
    )

    assert receive_email(bounce, envelope_sender="").conversation == conversation
    assert receive_email(stray, envelope_sender="") is None
    assert Customer.objects.count() == 1


def test_an_email_without_any_sender_address_is_discarded():
    raw = b"To: bonjour@" + REPLY_DOMAIN.encode() + b"\r\nSubject: ?\r\n\r\nhello\r\n"

    assert receive_email(raw) is None
    assert not Message.objects.exists()


def test_nul_characters_a_broken_client_sent_are_dropped_so_the_email_can_be_stored(helene):
    conversation = conversation_for(helene)
    raw = (
        b"From: helene.martin@gmail.test\r\nTo: reply+"
        + conversation.reply_token.encode()
        + b"@"
        + REPLY_DOMAIN.encode()
        + b"\r\nSubject: =?utf-8?q?Re=00_devis?=\r\n"
        b"Message-ID: <nul@gmail.test>\r\n\r\nOui\x00 merci\r\n"
    )

    message = receive_email(raw)

    assert message.body == "Oui merci"
    assert "\x00" not in message.raw_source + message.subject + message.full_body
