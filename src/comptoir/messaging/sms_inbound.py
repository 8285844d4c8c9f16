"""An inbound text, from the provider's webhook to its effect, with the issue's
precedence:

1. exactly one opt-out word (STOP, ARRÊT...): the number gets no more texts, whatever
   else is pending (the provider does the same), and one confirmation;
2. a yes to a pending marketing opt-in request: the double opt-in moves on;
3. an answer to a pending appointment reminder (``appointments.replies``);
4. START / UNSTOP (and a yes nothing was waiting for) resubscribe; HELP / INFO / AIDE
   answer with the shop's name and contact;
5. anything else is a message for staff, flagged as a possible opt-out when it speaks of
   stopping.

Keyword texts are recorded in the conversation too. The provider's message id makes a
retried webhook apply once (``consent.models.ReceivedText``). A few queries per text: the
webhook must take 200 a second."""

from __future__ import annotations

import enum

from django.db import IntegrityError, transaction
from django.utils import timezone

from comptoir.appointments.replies import handle_reminder_reply
from comptoir.consent import services as consent
from comptoir.consent.models import ReceivedText, TextSubscription
from comptoir.consent.rules import PENDING_OPT_IN
from comptoir.consent.selectors import customer_of_number
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.messaging.keywords import Keyword, classify, mentions_stop
from comptoir.messaging.models import Channel, Conversation, MessageKind
from comptoir.messaging.order_texts import order_for_reply
from comptoir.messaging.services import customer_for_inbound, record_inbound
from comptoir.orders.models import Order
from comptoir.shop.selectors import get_shop


class Outcome(enum.Enum):
    DUPLICATE = "duplicate"
    OPTED_OUT = "opted_out"
    OPT_IN_ANSWER = "opt_in_answer"
    REMINDER_ANSWER = "reminder_answer"
    RESUBSCRIBED = "resubscribed"
    HELP = "help"
    MESSAGE = "message"


def sender_number(raw: str) -> str:
    """The sender as E.164 (the provider sends it so; anything else is read as a number
    of the shop's country, or kept as given when it is no number at all: a short code)."""
    raw = (raw or "").strip()
    if raw.startswith("+"):
        return raw
    try:
        return to_e164(raw, get_shop().country) or raw
    except InvalidPhone:
        return raw


def receive_text(*, provider_message_id: str, from_number: str, body: str) -> Outcome:
    """Apply one inbound text (see the module's doc); ``Outcome.DUPLICATE`` when this
    provider message id was already applied."""
    number = sender_number(from_number)
    body = body or ""
    try:
        return _receive(provider_message_id, number, body)
    except IntegrityError:
        # The id's row is inserted first: a retried webhook (even one racing the first
        # delivery) fails there and the whole transaction is rolled back.
        if (
            provider_message_id
            and ReceivedText.objects.filter(provider_message_id=provider_message_id).exists()
        ):
            return Outcome.DUPLICATE
        raise


@transaction.atomic
def _receive(provider_message_id: str, number: str, body: str) -> Outcome:
    if provider_message_id:
        ReceivedText.objects.create(provider_message_id=provider_message_id)
    # A known number in one query (with its conversation); an unknown one creates its
    # customer.
    known = customer_of_number(number)
    customer = known or customer_for_inbound(phone=number)
    keyword = classify(body)
    now = timezone.now()
    # An ordinary text only stamps the number's row (one UPDATE); a keyword locks it.
    touched = TextSubscription.objects.filter(number=number).update(
        last_inbound_at=now, customer=customer, updated_at=now
    )
    if not touched or keyword is not None:
        sub = consent.subscription_for(number, customer, last_inbound_at=now)
        if not touched and sub.last_inbound_at != now:
            sub.last_inbound_at = now
            sub.save(update_fields=["last_inbound_at", "updated_at"])

    def record(
        kind: str = MessageKind.CONSENT, possible_opt_out: bool = False, order: Order | None = None
    ) -> None:
        record_inbound(
            customer=customer,
            channel=Channel.SMS,
            body=body,
            from_address=number,
            provider_message_id=provider_message_id,
            kind=kind,
            possible_opt_out=possible_opt_out,
            order=order,
        )

    if keyword is Keyword.OPT_OUT:
        record()
        consent.opt_out(
            sub=sub, customer=customer, reply=body, provider_message_id=provider_message_id
        )
        return Outcome.OPTED_OUT
    if keyword is Keyword.YES and sub.marketing_state in PENDING_OPT_IN:
        record()
        consent.answer_opt_in(
            sub=sub, customer=customer, reply=body, provider_message_id=provider_message_id
        )
        return Outcome.OPT_IN_ANSWER
    if handle_reminder_reply(customer, number, body, provider_message_id=provider_message_id):
        return Outcome.REMINDER_ANSWER
    if keyword in (Keyword.OPT_IN, Keyword.YES):
        record()
        consent.opt_in(
            sub=sub, customer=customer, reply=body, provider_message_id=provider_message_id
        )
        return Outcome.RESUBSCRIBED
    if keyword is Keyword.HELP:
        record()
        consent.answer_help(customer=customer)
        return Outcome.HELP
    # A reply to a text receipt (within a week) is linked to that order. Receipts are in
    # the conversation: a customer without one (or created by this text) has none.
    conversation = _conversation_read_with(known)
    record(
        MessageKind.CUSTOMER,
        possible_opt_out=mentions_stop(body),
        order=(
            order_for_reply(conversation, channel=Channel.SMS) if conversation is not None else None
        ),
    )
    return Outcome.MESSAGE


def _conversation_read_with(customer: Customer | None) -> Conversation | None:
    """The conversation ``customer_of_number`` read with the customer (no query)."""
    if customer is None:
        return None
    try:
        return customer.conversation
    except Conversation.DoesNotExist:
        return None
