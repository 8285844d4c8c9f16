from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from comptoir.consent.cleanup import forget_old_received_texts
from comptoir.consent.models import ReceivedText
from comptoir.messaging.sms_inbound import Outcome, receive_text
from tests.consent.fixtures import MOBILE


def test_ids_of_texts_older_than_a_week_are_forgotten(customer, shop):
    receive_text(provider_message_id="SMold", from_number=MOBILE, body="Hello")
    receive_text(provider_message_id="SMnew", from_number=MOBILE, body="Again")
    ReceivedText.objects.filter(provider_message_id="SMold").update(
        received_at=timezone.now() - timedelta(days=8)
    )

    assert forget_old_received_texts() == 1
    assert list(ReceivedText.objects.values_list("provider_message_id", flat=True)) == ["SMnew"]
    assert (
        receive_text(provider_message_id="SMnew", from_number=MOBILE, body="Again")
        == Outcome.DUPLICATE
    )
