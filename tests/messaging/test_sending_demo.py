"""The demo's conversations (``comptoir seed-demo`` calls ``seed_demo_messages``)."""

from __future__ import annotations

import pytest

from comptoir.messaging.demo import DEMO_NUMBER, seed_demo_messages
from comptoir.messaging.models import Channel, Direction, Message, MessageStatus
from comptoir.messaging.verification import is_verified
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_demo_verifies_the_business_and_adds_both_channels_once(
    owner, immediate_tasks, django_capture_on_commit_callbacks
):
    CustomerFactory(email="demo@example.com")
    created: dict[str, int] = {}
    lines: list[str] = []

    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_messages(owner=owner, created=created, report=lines.append)
    seed_demo_messages(owner=owner, created=created, report=lines.append)

    assert is_verified()
    assert created["messages"] == 4
    texts = Message.objects.filter(channel=Channel.SMS).order_by("created_at", "id")
    assert [m.direction for m in texts] == [
        Direction.INBOUND,
        Direction.OUTBOUND,
        Direction.INBOUND,
    ]
    assert texts[0].conversation.customer.mobile == DEMO_NUMBER
    sent = Message.objects.filter(direction=Direction.OUTBOUND)
    assert {m.channel for m in sent} == {Channel.SMS, Channel.EMAIL}
    assert all(m.status == MessageStatus.SENT for m in sent)
    assert any("/dashboard/messages/" in line for line in lines)
