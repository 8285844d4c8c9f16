"""Inbound email through the provider's webhook (django-anymail, Mailgun's inbound
route): a valid signature records the message, a bad one records nothing."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir import config
from comptoir.messaging.models import Message
from comptoir.messaging.services import conversation_for
from tests.factories import CustomerFactory
from tests.messaging.inbound_mail import REPLY_DOMAIN, customer_email, expected_body, fixture_reply

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-test-signing-0123456789abcdef"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def signed(fields: dict, *, key: str = SIGNING_KEY) -> dict:
    timestamp = str(int(time.time()))
    token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {**fields, "timestamp": timestamp, "token": token, "signature": signature}


def test_a_signed_raw_mime_reply_lands_in_its_conversation(client):
    conversation = conversation_for(CustomerFactory())
    to = f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"
    raw = fixture_reply("outlook_en", token=conversation.reply_token)

    response = client.post(
        reverse("mailgun_inbound_email"),
        signed({"body-mime": raw.decode(), "recipient": to, "sender": "priya.shah@outlook.test"}),
    )

    assert response.status_code == 200
    message = conversation.messages.get()
    assert message.body == expected_body("outlook_en")
    assert (
        message.email_message_id
        == "<DB9PR08MB6602F1E2D3C4B5A6@DB9PR08MB6602.eurprd08.prod.outlook.com>"
    )
    assert message.raw_source == raw.decode()


def test_the_envelope_recipient_of_the_webhook_carries_the_token(client):
    conversation = conversation_for(CustomerFactory())
    raw = customer_email(sender="someone@example.test", to="Boulangerie <hello@shop.test>")

    client.post(
        reverse("mailgun_inbound_email"),
        signed(
            {
                "body-mime": raw.decode(),
                "recipient": f"reply+{conversation.reply_token}@{REPLY_DOMAIN}",
                "sender": "someone@example.test",
            }
        ),
    )

    assert conversation.messages.count() == 1


def test_parsed_fields_with_an_attachment_are_recorded(client):
    conversation = conversation_for(CustomerFactory(email="marc@example.test"))
    to = f"reply+{conversation.reply_token}@{REPLY_DOMAIN}"
    response = client.post(
        reverse("mailgun_inbound_email"),
        signed(
            {
                "recipient": to,
                "sender": "marc@example.test",
                "from": "Marc <marc@example.test>",
                "To": to,
                "subject": "Re: Commande",
                "body-plain": "Le plan d'accès est joint.\n\n> Bonjour Marc",
                "message-headers": '[["Message-Id", "<parsed-1@example.test>"]]',
                "attachment-count": "1",
                "attachment-1": SimpleUploadedFile("plan.pdf", b"%PDF plan", "application/pdf"),
            }
        ),
    )

    assert response.status_code == 200
    message = conversation.messages.get()
    assert message.body == "Le plan d'accès est joint."
    assert message.attachments.get().filename == "plan.pdf"


def test_a_badly_signed_request_is_refused_and_records_nothing(client):
    conversation = conversation_for(CustomerFactory())
    raw = fixture_reply("gmail_en", token=conversation.reply_token)

    response = client.post(
        reverse("mailgun_inbound_email"),
        signed({"body-mime": raw.decode(), "recipient": "x@y.test"}, key="key-of-an-attacker"),
    )

    assert response.status_code == 400
    assert not Message.objects.exists()


def test_an_unsigned_request_is_refused(client):
    raw = customer_email(sender="a@example.test", to=f"bonjour@{REPLY_DOMAIN}")

    response = client.post(reverse("mailgun_inbound_email"), {"body-mime": raw.decode()})

    assert response.status_code == 400
    assert not Message.objects.exists()


def test_without_a_signing_key_the_webhook_does_not_exist(client, settings):
    settings.ANYMAIL = {}
    raw = customer_email(sender="a@example.test", to=f"bonjour@{REPLY_DOMAIN}")

    response = client.post(reverse("mailgun_inbound_email"), signed({"body-mime": raw.decode()}))

    assert response.status_code == 404
    assert not Message.objects.exists()


def test_the_signing_key_comes_from_the_environment(tmp_path):
    loaded = config.load(
        {"COMPTOIR_DATA_DIR": str(tmp_path), "MAILGUN_WEBHOOK_SIGNING_KEY": " key-abc "},
        base_dir=tmp_path,
    )

    assert loaded.mailgun_webhook_signing_key == "key-abc"
    assert "key-abc" not in repr(loaded)
