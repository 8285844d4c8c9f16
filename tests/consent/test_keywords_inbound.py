"""Inbound texts through the Twilio webhook: STOP (and ARRÊT, CANCEL...) stops every text
at once with one confirmation, START resubscribes, HELP answers with the shop's name and
contact, a sentence about stopping is flagged for staff; each recorded in the
conversation and in the consent history."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.consent.models import ConsentAction, ConsentRecord, ConsentSource, TextSubscription
from comptoir.errors import DomainError
from comptoir.messaging.models import Channel, Direction, Message, MessageKind
from comptoir.messaging.services import send_message
from tests.consent.fixtures import MOBILE, messages_of


def outbound(customer) -> list[Message]:
    return [m for m in messages_of(customer) if m.direction == Direction.OUTBOUND]


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop! ", "ARRET", "arrêt", "Cancel.", "quit"])
def test_a_single_opt_out_word_stops_every_text_and_confirms_once(
    word, text_in, customer, messenger
):
    text_in(word, sid="SMstop1")

    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.opted_out_at is not None
    (confirmation,) = outbound(customer)
    assert confirmation.kind == MessageKind.CONSENT
    assert "You will no longer receive texts from Salon Lumière" in confirmation.body
    assert "START" in confirmation.body
    inbound = [m for m in messages_of(customer) if m.direction == Direction.INBOUND]
    assert [m.body for m in inbound] == [word]  # the keyword is in the conversation too
    record = ConsentRecord.objects.get(customer=customer)
    assert (record.action, record.source, record.reply_text, record.provider_message_id) == (
        ConsentAction.WITHDRAW,
        ConsentSource.KEYWORD,
        word,
        "SMstop1",
    )
    assert record.by_customer and record.staff is None

    # A second STOP: recorded, but no second confirmation.
    text_in("STOP")
    assert len(outbound(customer)) == 1

    # Nothing may be texted now, and the composer says why.
    with translation.override("en"), pytest.raises(DomainError) as refused:
        send_message(actor=messenger, customer=customer, channel=Channel.SMS, body="Hello")
    assert refused.value.code == "text_refused"
    assert "This number replied STOP on" in str(refused.value.message)
    assert "texts can't be sent until they text START" in str(refused.value.message)
    assert len(outbound(customer)) == 1


@pytest.mark.parametrize("word", ["START", "unstop", "Yes"])
def test_start_resubscribes(word, text_in, customer, messenger):
    text_in("STOP")
    text_in(word)

    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.opted_out_at is None and sub.opted_in_at is not None
    assert "You will receive texts from Salon Lumière again" in outbound(customer)[-1].body
    assert ConsentRecord.objects.filter(
        customer=customer, action=ConsentAction.GRANT, source=ConsentSource.KEYWORD
    ).exists()
    message = send_message(actor=messenger, customer=customer, channel=Channel.SMS, body="Hi")
    assert message.to_address == MOBILE


@pytest.mark.parametrize("word", ["HELP", "info", "Aide"])
def test_help_answers_with_the_shops_name_and_contact(word, text_in, customer):
    text_in(word)

    (answer,) = outbound(customer)
    assert "Salon Lumière" in answer.body
    assert "+33140000000" in answer.body and "bonjour@salon.example" in answer.body
    assert not TextSubscription.objects.get(number=MOBILE).opted_out_at


def test_a_sentence_with_stop_is_shown_to_staff_as_a_possible_opt_out(text_in, customer):
    text_in("please stop texting me")

    (message,) = messages_of(customer)
    assert message.direction == Direction.INBOUND and message.kind == MessageKind.CUSTOMER
    assert message.possible_opt_out
    assert TextSubscription.objects.get(number=MOBILE).opted_out_at is None
    assert not outbound(customer)


def test_an_ordinary_text_is_a_message_for_staff_not_flagged(text_in, customer):
    text_in("Are you open on Sunday?")

    (message,) = messages_of(customer)
    assert message.kind == MessageKind.CUSTOMER and not message.possible_opt_out
    assert message.conversation.unread_count == 1
