"""Customer messages: 1,000,000 messages at the target scale over the conversations of
200,000 customers, texts and emails both ways, with the statuses a shop sees (delivered,
sent, failed with the provider's code, received), unread counts on the conversations
whose last word is the customer's, and the text subscriptions of the numbers that
texted the shop. One conversation is long: ``LONG_MESSAGES`` messages with the regular
shopper (``REGULAR_EMAIL``), the ``conversation_long`` scenario's.

The business identity is stored as verified (messaging needs it), and the history
counts as already notified to the staff (one ``InboxNotice``), as imported history is.
The bench owner has full access, hence the "message customers" permission.

The rows are streamed with COPY (``bulk.insert_values``), ids given here; on PostgreSQL
the messages' indexes (the trigram one above all) are built once after the load instead
of row by row."""

from __future__ import annotations

import datetime
import random
import secrets
from array import array
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.utils import timezone

from bench.bulk import foreign_keys_checked_once, insert_values, next_id, reset_sequences
from bench.generate import register
from bench.generators.customers import REGULAR_EMAIL
from comptoir.consent.models import TextSubscription
from comptoir.coupons.models import InboxNotice
from comptoir.customers.models import Customer
from comptoir.messaging.conversations import PREVIEW_LENGTH
from comptoir.messaging.models import (
    BusinessVerification,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from comptoir.messaging.provider_errors import error_in_words
from comptoir.team.models import Access, TeamMember

MESSAGES_AT_FULL_SCALE = 1_000_000
CONVERSATIONS_AT_FULL_SCALE = 200_000
LONG_MESSAGES = 10_000
HISTORY_DAYS = 730
UNREAD_SHARE = 0.3  # of the conversations whose last message is the customer's
SHOP_NUMBER = "+33700000000"
# A valid SIRET (python-stdnum checks it when the owner edits the identity).
BENCH_SIRET = "73282932000074"

INBOUND_TEXTS = [
    "Bonjour, ma commande est-elle prête ?",
    "Merci beaucoup, à samedi !",
    "Est-ce que vous avez encore des croissants aux amandes ?",
    "Je passe la récupérer vers 18h",
    "Hello, can I change the pickup time to tomorrow?",
    "Thanks, see you soon",
    "Pouvez-vous me rappeler s'il vous plaît ?",
    "Le gâteau était délicieux, bravo à toute l'équipe",
    "Is the shop open on Sunday?",
    "J'ai oublié mon sac hier, l'avez-vous trouvé ?",
    "Ok parfait",
    "Je voudrais commander une tarte aux fraises pour 8 personnes",
]
OUTBOUND_TEXTS = [
    "Bonjour, votre commande est prête au comptoir.",
    "Merci pour votre message, nous revenons vers vous rapidement.",
    "Oui, il nous en reste, nous vous en mettons de côté.",
    "Hello! Your order is ready for pickup.",
    "We are open from 8 am to 7 pm every day except Monday.",
    "C'est noté, à demain !",
    "Votre tarte sera prête samedi à 10h.",
    "Nous avons bien retrouvé votre sac, il vous attend à la caisse.",
]
NOTICE_TEXTS = {
    MessageKind.RECEIPT: "Merci pour votre commande n° {n} : {total} €. Reçu et détail en ligne.",
    MessageKind.ORDER_UPDATE: "Votre commande n° {n} est prête à retirer.",
    MessageKind.REMINDER: "Rappel : rendez-vous demain à 10h. Répondez C pour confirmer.",
}
EMAIL_SUBJECTS = ["Votre commande", "Question", "Re: Votre commande", "Your order", "Merci"]
SMS_ERRORS = ["21211", "30003", "30006", "21635"]

IN, OUT = 0, 1
SMS, EMAIL = 0, 1


def message_count(scale: float) -> int:
    return max(400, round(MESSAGES_AT_FULL_SCALE * scale))


def conversation_count(scale: float) -> int:
    return max(60, round(CONVERSATIONS_AT_FULL_SCALE * scale))


def long_message_count(scale: float) -> int:
    """10,000 at the target scale; at least four pages of 50 below it."""
    return max(200, round(LONG_MESSAGES * scale))


@register(
    "messages",
    fills=("messaging.Conversation", "messaging.Message", "consent.TextSubscription"),
    after=("customers", "staff"),
)
def fill(scale: float, using: str) -> dict[str, int]:
    rng = random.Random(f"messages-{scale}")
    now = timezone.now()
    # Read everything first: no query may run on the connection during a COPY.
    customers = list(
        Customer.objects.using(using)
        .filter(erased_at__isnull=True)
        .order_by("id")
        .values_list("id", "email", "mobile", "phone")
    )
    if not customers:
        raise ValueError("the messages generator needs customers")
    owner = (
        TeamMember.objects.using(using)
        .filter(access=Access.OWNER)
        .values_list("id", flat=True)
        .first()
    )
    regular = next((n for n, row in enumerate(customers) if row[1] == REGULAR_EMAIL), 0)
    chosen = rng.sample(range(len(customers)), min(conversation_count(scale), len(customers)))
    if regular not in chosen:
        chosen[0] = regular
    chosen.sort()
    counts = _spread(rng, message_count(scale), len(chosen), chosen.index(regular), scale)

    first_conversation = next_id(Conversation, using)
    first_message = next_id(Message, using)
    summary = Summary(len(chosen), now)
    with (
        foreign_keys_checked_once([Conversation, Message, TextSubscription], using=using),
        _indexes_built_after(Message, using=using),
        _times_as_given(Message, Conversation),
    ):
        messages = insert_values(
            Message,
            MESSAGE_COLUMNS,
            _messages(
                rng,
                customers,
                chosen,
                counts,
                regular,
                summary,
                first_conversation,
                first_message,
                owner,
                now,
            ),
            using=using,
            total=sum(counts),
            desc="messages",
        )
        conversations = insert_values(
            Conversation,
            (
                "id",
                "customer_id",
                "reply_token",
                "last_message_at",
                "last_message_preview",
                "unread_count",
                "last_inbound_channel",
                "created_at",
            ),
            (
                (
                    first_conversation + n,
                    customers[index][0],
                    secrets.token_urlsafe(16),
                    summary.last_at(n),
                    summary.preview[n],
                    summary.unread[n],
                    ("", Channel.SMS, Channel.EMAIL)[summary.inbound_channel[n]],
                    summary.first_at(n),
                )
                for n, index in enumerate(chosen)
            ),
            using=using,
            total=len(chosen),
            desc="conversations",
        )
        subscriptions = insert_values(
            TextSubscription,
            ("number", "customer_id", "last_inbound_at", "opted_out_at", "updated_at"),
            (
                (
                    _number(customers[index]),
                    customers[index][0],
                    summary.texted(n),
                    summary.texted(n) if rng.random() < 0.02 else None,
                    summary.texted(n),
                )
                for n, index in enumerate(chosen)
                if summary.last_text_in[n] and _number(customers[index])
            ),
            using=using,
            desc="text subscriptions",
        )
    reset_sequences([Conversation, Message, TextSubscription], using=using)
    # Generated history counts as notified: the staff are emailed about new messages only.
    if messages:
        after = max(
            [0, *InboxNotice.objects.using(using).values_list("up_to_message_id", flat=True)]
        )
        InboxNotice.objects.using(using).create(
            after_message_id=after,
            up_to_message_id=first_message + messages - 1,
            message_count=0,
            recipient_count=0,
        )
    verified = ensure_verified_business(using)
    return {
        "conversations": conversations,
        "messages": messages,
        "text subscriptions": subscriptions,
        "business verification": verified,
    }


def ensure_verified_business(using: str) -> int:
    """The shop's business identity as verified (messaging needs it); 1 when written."""
    if BusinessVerification.objects.using(using).filter(verified_at__isnull=False).exists():
        return 0
    BusinessVerification.objects.using(using).create(
        legal_name="Comptoir Bench SAS",
        registration_number=BENCH_SIRET,
        country="FR",
        address="12 rue Mercière, 69002 Lyon",
        owner_name="Bench Owner",
        verified_at=timezone.now(),
    )
    return 1


def _spread(
    rng: random.Random, total: int, conversations: int, long: int, scale: float
) -> list[int]:
    """Messages per conversation: one to nine each (five on average), the long one
    ``long_message_count``, adding up to ``total`` exactly."""
    counts = [rng.randint(1, 9) for _ in range(conversations)]
    counts[long] = long_message_count(scale)
    difference = total - sum(counts)
    step = 1 if difference > 0 else -1
    others = [n for n in range(conversations) if n != long]
    while difference and others:
        n = rng.choice(others)
        if step < 0 and counts[n] <= 1:
            others.remove(n)
            continue
        counts[n] += step
        difference -= step
    return counts


class Summary:
    """What each conversation's row says of its messages, one array slot each."""

    def __init__(self, size: int, now: datetime.datetime) -> None:
        self.first = array("d", bytes(8 * size))  # seconds before now
        self.last = array("d", bytes(8 * size))
        self.unread = array("l", bytes(array("l").itemsize * size))
        self.inbound_channel = array("b", bytes(size))  # 0 none, 1 sms, 2 email
        self.last_text_in = array("d", bytes(8 * size))  # 0: the number never texted
        self.preview: list[str] = [""] * size
        self.now = now

    def last_at(self, n: int) -> datetime.datetime:
        return self.now - datetime.timedelta(seconds=self.last[n])

    def first_at(self, n: int) -> datetime.datetime:
        return self.now - datetime.timedelta(seconds=self.first[n])

    def texted(self, n: int) -> datetime.datetime:
        return self.now - datetime.timedelta(seconds=self.last_text_in[n])


MESSAGE_COLUMNS = (
    "id",
    "conversation_id",
    "direction",
    "channel",
    "kind",
    "status",
    "body",
    "subject",
    "to_address",
    "from_address",
    "provider_message_id",
    "error_code",
    "error_message",
    "author_id",
    "created_at",
    "sent_at",
    "delivered_at",
    "read_at",
)


def _number(customer: tuple) -> str:
    return customer[2] or customer[3]


def _messages(
    rng: random.Random,
    customers: list[tuple],
    chosen: list[int],
    counts: list[int],
    regular: int,
    summary: Summary,
    first_conversation: int,
    first_message: int,
    owner: int | None,
    now: datetime.datetime,
) -> Iterator[tuple]:
    message_id = first_message
    errors = {code: error_in_words(code) for code in SMS_ERRORS}
    for n, index in enumerate(chosen):
        _id, email, mobile, phone = customers[index]
        number = mobile or phone
        count = counts[n]
        long = index == regular
        # The newest conversations are the busiest: last messages skewed towards now,
        # none in the last hour (history, not traffic).
        last = 3600 + (600 if long else rng.random() ** 2 * HISTORY_DAYS * 86400)
        span = min(HISTORY_DAYS * 86400, (365 * 86400) if long else count * 3 * 86400)
        gap = span / max(1, count)
        times = sorted((last + rng.random() * gap * i for i in range(count)), reverse=True)
        directions = [IN if rng.random() < 0.45 else OUT for _ in range(count)]
        # The last message is the customer's in about half the conversations; some of
        # those are unread (all the customer's messages since the team's last one).
        trailing = 0
        for direction in reversed(directions):
            if direction != IN:
                break
            trailing += 1
        unread = trailing if trailing and rng.random() < UNREAD_SHARE else 0
        summary.first[n] = times[0]
        summary.last[n] = times[-1]
        summary.unread[n] = unread
        for position, (seconds, direction) in enumerate(zip(times, directions, strict=True)):
            at = now - datetime.timedelta(seconds=seconds)
            if number and email:
                channel = SMS if rng.random() < 0.6 else EMAIL
            else:
                channel = SMS if number else EMAIL
            address = number if channel == SMS else email
            is_unread = position >= count - unread
            if direction == IN:
                body = rng.choice(INBOUND_TEXTS)
                summary.inbound_channel[n] = channel + 1
                if channel == SMS:
                    summary.last_text_in[n] = seconds
                row = _inbound(message_id, channel, body, address, at, is_unread)
            else:
                row = _outbound(rng, message_id, channel, address, at, owner, errors)
                body = row[5]
            yield (row[0], first_conversation + n, *row[1:])
            message_id += 1
        summary.preview[n] = " ".join(body.split())[:PREVIEW_LENGTH]


def _sid(rng: random.Random) -> str:
    return f"SM{rng.getrandbits(128):032x}"


def _inbound(
    message_id: int, channel: int, body: str, address: str, at: datetime.datetime, unread: bool
) -> tuple:
    sms = channel == SMS
    return (
        message_id,
        Direction.INBOUND,
        Channel.SMS if sms else Channel.EMAIL,
        MessageKind.CUSTOMER,
        MessageStatus.RECEIVED,
        body,
        "" if sms else "Re: Votre commande",
        "",
        address,
        f"SMin{message_id:030d}" if sms else "",
        "",
        "",
        None,
        at,
        None,
        None,
        None if unread else at + datetime.timedelta(minutes=20),
    )


def _outbound(
    rng: random.Random,
    message_id: int,
    channel: int,
    address: str,
    at: datetime.datetime,
    owner: int | None,
    errors: dict[str, str],
) -> tuple:
    sms = channel == SMS
    draw = rng.random()
    if draw < 0.6:
        kind, body, author = MessageKind.STAFF, rng.choice(OUTBOUND_TEXTS), owner
    else:
        kind = (
            MessageKind.RECEIPT
            if draw < 0.8
            else MessageKind.ORDER_UPDATE
            if draw < 0.95
            else MessageKind.REMINDER
        )
        body = NOTICE_TEXTS[kind].format(n=rng.randint(1000, 999_999), total=rng.randint(4, 80))
        author = None
    failed = rng.random() < (0.05 if sms else 0.03)
    code = rng.choice(SMS_ERRORS) if failed and sms else ""
    if failed:
        status = MessageStatus.FAILED
        error = errors[code] if sms else "550 5.1.1 Mailbox unavailable"
    else:
        status = MessageStatus.DELIVERED if sms and rng.random() < 0.95 else MessageStatus.SENT
        error = ""
    sent = None if failed else at + datetime.timedelta(seconds=2)
    return (
        message_id,
        Direction.OUTBOUND,
        Channel.SMS if sms else Channel.EMAIL,
        kind,
        status,
        body,
        "" if sms else rng.choice(EMAIL_SUBJECTS),
        address,
        SHOP_NUMBER if sms else "",
        _sid(rng) if sms and not (failed and code == "21211") else "",
        code,
        error,
        author,
        at,
        sent,
        at + datetime.timedelta(seconds=5) if status == MessageStatus.DELIVERED else None,
        None,
    )


@contextmanager
def _times_as_given(*models: type) -> Iterator[None]:
    """Keep the ``created_at`` given here: off PostgreSQL the rows go through
    ``bulk_create``, whose ``auto_now_add`` would stamp every message with now."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


@contextmanager
def _indexes_built_after(model: type, *, using: str) -> Iterator[None]:
    """On PostgreSQL, drop ``model``'s plain indexes (not those of a constraint) during
    the load and build each once afterwards, as pg_restore does: a GIN trigram index
    filled row by row is many times slower. Elsewhere, nothing changes."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
