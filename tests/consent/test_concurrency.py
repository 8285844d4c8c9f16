"""Texts arriving at the same moment (PostgreSQL, threads): the provider retrying one
webhook applies it once; several STOPs from one number send one confirmation."""

from __future__ import annotations

import pytest

from comptoir.consent.models import TextSubscription
from comptoir.messaging.models import Direction, Message
from comptoir.messaging.sms_inbound import Outcome, receive_text
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.consent.fixtures import MOBILE

AT_ONCE = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_text_delivered_several_times_at_once_is_applied_once(customer, shop):
    skip_unless_postgres()

    outcomes = run_at_once(
        AT_ONCE,
        lambda n: receive_text(provider_message_id="SMsame", from_number=MOBILE, body="Hello"),
    )

    assert sorted(outcomes, key=str) == sorted(
        [Outcome.DUPLICATE] * (AT_ONCE - 1) + [Outcome.MESSAGE], key=str
    )
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_several_stops_at_once_send_one_confirmation(customer, shop):
    skip_unless_postgres()

    outcomes = run_at_once(
        AT_ONCE,
        lambda n: receive_text(provider_message_id=f"SMstop{n}", from_number=MOBILE, body="STOP"),
    )

    assert outcomes == [Outcome.OPTED_OUT] * AT_ONCE
    assert TextSubscription.objects.get(number=MOBILE).opted_out_at is not None
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    assert Message.objects.filter(direction=Direction.INBOUND).count() == AT_ONCE
