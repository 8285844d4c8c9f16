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
retried webhook apply once (``consent.models.ReceivedText``).

The webhook only stores the text (``accept_text``: one row, one queued task) and answers
at once: it must take 200 a second, and a text stored is never lost to an error while
applying it, since the worker retries (docs/decisions/0029). The worker applies the texts
of a number one at a time in arrival order (``apply_received_texts``), so a STOP followed
by a START ends subscribed, whatever the number of workers. ``receive_text`` applies one
at once (the demo, tests of the rules)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from comptoir.appointments.replies import handle_reminder_reply
from comptoir.consent import services as consent
from comptoir.consent.models import ReceivedText, TextSubscription
from comptoir.consent.rules import PENDING_OPT_IN
from comptoir.consent.selectors import customer_of_number
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.jobs.dispatch import enqueue_after_commit
from comptoir.jobs.retry import retrying
from comptoir.messaging.inbound_media import store_text_media
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
    """Apply one inbound text now (see the module's doc); ``Outcome.DUPLICATE`` when this
    provider message id was already stored."""
    number = sender_number(from_number)
    body = body or ""
    try:
        with transaction.atomic():
            if provider_message_id:
                ReceivedText.objects.create(
                    provider_message_id=provider_message_id, applied_at=timezone.now()
                )
            return _apply(provider_message_id, number, body)
    except IntegrityError:
        # The id's row is inserted first: a retried webhook (even one racing the first
        # delivery) fails there and the whole transaction is rolled back.
        if _already_stored(provider_message_id):
            return Outcome.DUPLICATE
        raise


def accept_text(
    *,
    provider_message_id: str,
    from_number: str,
    body: str,
    media: Sequence[tuple[str, str]] = (),
) -> bool:
    """Store one inbound text for the worker to apply (see the module's doc); False when
    this provider message id was stored before (a retried webhook: nothing more to do)."""
    number = sender_number(from_number)
    try:
        with transaction.atomic():
            ReceivedText.objects.create(
                # A text without the provider's id still gets one of its own.
                provider_message_id=provider_message_id or f"local-{uuid.uuid4().hex}",
                from_number=number,
                body=body or "",
                media=[[url, content_type] for url, content_type in media],
            )
            enqueue_after_commit(apply_inbound_texts, number)
    except IntegrityError:
        if _already_stored(provider_message_id):
            return False
        raise
    return True


def apply_received_texts(number: str) -> int:
    """Apply the stored texts of ``number``, oldest first, each in its own transaction;
    returns how many. The waiting row is locked while it is applied: a second worker on
    the same number waits for it, then finds it applied, so none is applied twice or out
    of order. An error leaves the text (and those after it) waiting for the retry."""
    applied = 0
    while True:
        with transaction.atomic():
            text = (
                ReceivedText.objects.select_for_update()
                .filter(from_number=number, applied_at__isnull=True)
                .order_by("id")
                .first()
            )
            if text is None:
                return applied
            media = [(str(url), str(content_type)) for url, content_type in text.media]
            _apply(text.provider_message_id, number, text.body, media)
            # Applied: what it said lives on in the conversation; the id stays for the
            # retention (a webhook retried later is still recognised).
            ReceivedText.objects.filter(pk=text.pk).update(
                applied_at=timezone.now(), from_number="", body="", media=[]
            )
            applied += 1


# A text that cannot be applied (the database refusing, a bug) is tried again for about
# a day, and stays stored after that: the next text from the number, or the periodic
# sweep (``apply_texts_left_waiting``), tries it again first.
#
# Ahead of other work waiting in the queue (a burst of staff emails, reminders): a STOP
# must hold before anything else is sent, and staff see the text as soon as it comes.
INBOUND_TEXT_PRIORITY = 50


@retrying(
    max_attempts=10,
    base_delay_seconds=10,
    max_delay_seconds=3600,
    priority=INBOUND_TEXT_PRIORITY,
)
def apply_inbound_texts(number: str) -> int:
    return apply_received_texts(number)


def apply_texts_left_waiting(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue again the numbers whose texts wait for longer than ``older_than`` (a task
    lost or given up): the periodic sweep of ``comptoir worker``; returns how many."""
    cutoff = timezone.now() - older_than
    numbers = list(
        ReceivedText.objects.filter(applied_at__isnull=True, received_at__lt=cutoff)
        .values_list("from_number", flat=True)
        .distinct()
    )
    for number in numbers:
        apply_inbound_texts.enqueue(number)
    return len(numbers)


@task()
def sweep_waiting_texts() -> int:
    """The periodic sweep (``jobs.periodic``)."""
    return apply_texts_left_waiting()


def _already_stored(provider_message_id: str) -> bool:
    return bool(
        provider_message_id
        and ReceivedText.objects.filter(provider_message_id=provider_message_id).exists()
    )


def _apply(
    provider_message_id: str, number: str, body: str, media: Sequence[tuple[str, str]] = ()
) -> Outcome:
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
        message = record_inbound(
            customer=customer,
            channel=Channel.SMS,
            body=body,
            from_address=number,
            provider_message_id=provider_message_id,
            kind=kind,
            possible_opt_out=possible_opt_out,
            order=order,
        )
        if media:
            store_text_media(message_id=message.pk, media=list(media))

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
    if handle_reminder_reply(
        customer, number, body, provider_message_id=provider_message_id, media=media
    ):
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
