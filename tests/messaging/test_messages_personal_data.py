"""The customer's JSON export, erasure and merge cover their messages (issue 6 extends
issue 4's personal-data rules to conversations, raw emails and attachments)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.messaging import services
from comptoir.messaging.models import Attachment, Channel, Conversation, Message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def emailed(customer, body="Bonjour Zq7", raw="From: zq7@example.com\n\nBonjour Zq7"):
    return services.record_inbound(
        customer=customer,
        channel=Channel.EMAIL,
        body=body,
        from_address=customer.email,
        raw_source=raw,
        email_message_id="<zq7@example.com>",
        attachments=[services.NewAttachment("photo.jpg", "image/jpeg", b"JPEG Zq7")],
    )


def test_the_export_holds_every_message_with_the_raw_email_and_attachments():
    customer = CustomerFactory(email="zq7@example.com")
    emailed(customer)

    exported = personal_data(customer)["messages"]

    [message] = exported["messages"]
    assert message["body"] == "Bonjour Zq7"
    assert message["raw_source"].endswith("Bonjour Zq7")
    assert message["direction"] == "in" and message["channel"] == "email"
    assert message["attachments"] == [
        {"filename": "photo.jpg", "content_type": "image/jpeg", "size": 8}
    ]
    assert personal_data(CustomerFactory())["messages"] is None


def test_erasure_deletes_the_conversation_messages_and_files(
    owner, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="zq7@example.com")
    emailed(customer)
    stored = Attachment.objects.get().file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(actor=owner, customer_id=customer.pk, gateway=None)

    assert not Conversation.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert not default_storage.exists(stored)


def test_merging_joins_both_conversations_into_the_kept_one(owner):
    kept = CustomerFactory(email="camille@example.com")
    merged = CustomerFactory(email=None, mobile="+33612345678")
    emailed(kept)
    services.record_inbound(
        customer=merged, channel=Channel.SMS, body="Texto", from_address=merged.mobile
    )

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    conversation = Conversation.objects.get()
    assert conversation.customer_id == kept.pk
    assert sorted(conversation.messages.values_list("body", flat=True)) == [
        "Bonjour Zq7",
        "Texto",
    ]
    assert conversation.unread_count == 2
    assert conversation.last_message_preview == "Texto"


def test_merging_moves_the_only_conversation(owner):
    kept = CustomerFactory(email="camille@example.com")
    merged = CustomerFactory(email=None, mobile="+33612345678")
    services.record_inbound(
        customer=merged, channel=Channel.SMS, body="Texto", from_address=merged.mobile
    )

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    assert Conversation.objects.get().customer_id == kept.pk
    assert Message.objects.count() == 1
