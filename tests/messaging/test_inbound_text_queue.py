"""Inbound texts are stored by the webhook and applied by ``comptoir worker``
(docs/decisions/0029): the webhook answers at once, the worker applies each number's
texts in arrival order, a retried webhook is stored once, a text whose task was lost is
swept up, and the stored text leaves no personal data once applied or erased."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.consent.cleanup import forget_old_received_texts
from comptoir.consent.models import ReceivedText, TextSubscription
from comptoir.consent.personal_data import consent_of, erase_for
from comptoir.messaging.models import Direction, Message
from comptoir.messaging.sms_inbound import (
    INBOUND_TEXT_PRIORITY,
    apply_inbound_texts,
    apply_texts_left_waiting,
)
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.consent import fixtures
from tests.consent.fixtures import MOBILE, messages_of, sign

_english = fixtures._english
customer = fixtures.customer
shop = fixtures.shop
twilio_settings = fixtures.twilio_settings

APPLY = "comptoir.messaging.sms_inbound.apply_inbound_texts"
_sids = itertools.count(1)


def post_text(body: str, *, from_: str = MOBILE, sid: str | None = None, **extra: str):
    """The provider's POST, signed; nothing run after it."""
    path = reverse("twilio_inbound_sms")
    params = {
        "MessageSid": sid or f"SMq{next(_sids):030d}",
        "AccountSid": "AC" + "0" * 32,
        "From": from_,
        "To": "+33700000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }
    response = Client().post(
        path, params, HTTP_X_TWILIO_SIGNATURE=sign("http://testserver" + path, params)
    )
    assert response.status_code == 200, response.content
    return response


@pytest.mark.django_db(transaction=True)
def test_the_webhook_stores_the_text_and_the_worker_applies_it(
    twilio_settings, shop, customer, run_worker
):
    post_text("Bonjour, c'est prêt ?", sid="SMstored")

    # Answered: stored and queued, not yet in the conversation.
    [waiting] = ReceivedText.objects.all()
    assert (waiting.from_number, waiting.body, waiting.applied_at) == (
        MOBILE,
        "Bonjour, c'est prêt ?",
        None,
    )
    [task] = DBTaskResult.objects.filter(task_path=APPLY)
    assert task.args_kwargs["args"] == [MOBILE]
    # Ahead of the queue's ordinary work (the worker claims by priority first).
    assert task.priority == INBOUND_TEXT_PRIORITY > 0
    assert messages_of(customer) == []

    run_worker()

    [message] = messages_of(customer)
    assert (message.direction, message.body, message.provider_message_id) == (
        Direction.INBOUND,
        "Bonjour, c'est prêt ?",
        "SMstored",
    )
    # Applied: only the id stays (for the retention), no number, no text.
    applied = ReceivedText.objects.get()
    assert applied.applied_at is not None
    assert (applied.provider_message_id, applied.from_number, applied.body, applied.media) == (
        "SMstored",
        "",
        "",
        [],
    )


@pytest.mark.django_db(transaction=True)
def test_a_number_s_texts_are_applied_in_the_order_they_arrived(
    twilio_settings, shop, customer, run_worker
):
    post_text("STOP")
    post_text("START")
    post_text("Finalement, je viens à 18 h")

    run_worker()

    inbound = [m.body for m in messages_of(customer) if m.direction == Direction.INBOUND]
    assert inbound == ["STOP", "START", "Finalement, je viens à 18 h"]
    # STOP then START: subscribed again, as the customer last asked.
    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.opted_out_at is None and sub.opted_in_at is not None
    assert not ReceivedText.objects.filter(applied_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_webhook_retried_before_the_worker_ran_is_stored_and_applied_once(
    twilio_settings, shop, customer, run_worker
):
    post_text("Is it ready?", sid="SMtwice")
    post_text("Is it ready?", sid="SMtwice")

    assert ReceivedText.objects.count() == 1
    run_worker()
    post_text("Is it ready?", sid="SMtwice")  # and once more after: still once
    run_worker()

    assert [m.body for m in messages_of(customer)] == ["Is it ready?"]


@pytest.mark.django_db(transaction=True)
def test_a_text_whose_task_was_lost_is_applied_by_the_periodic_sweep(
    twilio_settings, shop, customer, run_worker
):
    post_text("Still there?")
    DBTaskResult.objects.filter(task_path=APPLY).delete()  # e.g. the queue was emptied by hand

    # Not yet: a text waits up to 10 minutes for its own task.
    assert apply_texts_left_waiting() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert apply_texts_left_waiting() == 1
    run_worker()

    assert [m.body for m in messages_of(customer)] == ["Still there?"]


@pytest.mark.django_db
def test_the_cleanup_never_deletes_a_text_still_waiting(twilio_settings, shop, customer):
    post_text("Waiting a long time", sid="SMwaiting")
    ReceivedText.objects.update(received_at=timezone.now() - timedelta(days=30))

    assert forget_old_received_texts() == 0
    assert ReceivedText.objects.get().body == "Waiting a long time"


@pytest.mark.django_db
def test_a_waiting_text_is_in_the_export_and_erasure_blanks_it(twilio_settings, shop, customer):
    post_text("Mon code porte est 4512B", sid="SMprivate")

    exported = consent_of(customer)["texts_waiting"]
    assert [(t["number"], t["body"]) for t in exported] == [(MOBILE, "Mon code porte est 4512B")]

    erase_for(customer)

    text = ReceivedText.objects.get(provider_message_id="SMprivate")
    assert (text.from_number, text.body, text.media) == ("", "", [])
    assert text.applied_at is not None  # not applied later: the worker finds nothing
    assert apply_inbound_texts.call(MOBILE) == 0
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_picture_message_keeps_its_media_list_until_applied(twilio_settings, shop, customer):
    post_text(
        "Voici la photo",
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME2",
        MediaContentType1="image/png",
    )
    media = [
        ["https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1", "image/jpeg"],
        ["https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME2", "image/png"],
    ]

    assert ReceivedText.objects.get().media == media
    # The list is the customer's data while it waits: in the export.
    assert [t["media"] for t in consent_of(customer)["texts_waiting"]] == [media]

    assert apply_inbound_texts.call(MOBILE) == 1

    assert ReceivedText.objects.get().media == []  # applied: the list is gone
    assert consent_of(customer)["texts_waiting"] == []
    assert [m.body for m in messages_of(customer)] == ["Voici la photo"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_number_apply_each_text_once_in_order(twilio_settings, shop, customer):
    skip_unless_postgres()
    for n in range(6):
        post_text(f"Message {n}")

    applied = run_at_once(3, lambda n: apply_inbound_texts.call(MOBILE))

    assert sum(applied) == 6
    assert [m.body for m in messages_of(customer)] == [f"Message {n}" for n in range(6)]
