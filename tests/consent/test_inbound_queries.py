"""The inbound webhook must take 200 texts a second: a handful of queries per text."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.messaging.sms_inbound import receive_text
from tests.consent.fixtures import MOBILE


def test_an_ordinary_text_from_a_known_number_takes_a_few_queries(text_in, customer):
    text_in("first contact")  # the conversation and the number's row exist from now on

    with CaptureQueriesContext(connection) as queries:
        receive_text(provider_message_id="SMcounted", from_number=MOBILE, body="On my way")

    # The id's row, the customer, the number's row, the conversation and its latest text
    # receipt (the order a reply is about), then record_inbound's conversation, message
    # and counters (4 + savepoints); the transaction is a savepoint in a test.
    assert len(queries) <= 13
