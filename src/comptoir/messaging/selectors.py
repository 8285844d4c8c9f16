"""Reads about conversations and messages, scoped to who asks."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.db.models.lookups import Contains, IContains, PatternLookup
from django.utils.translation import gettext_lazy as _

from comptoir.compiled_read import CompiledRead, CompiledValues
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.search import fold
from comptoir.customers.selectors import visible_customers
from comptoir.errors import NotFound
from comptoir.messaging.models import (
    Attachment,
    BusinessVerification,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageKind,
)
from comptoir.messaging.sms import DevelopmentSmsProvider
from comptoir.orders.models import Order
from comptoir.paging import PageLinks
from comptoir.shop.selectors import get_shop
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember

MESSAGES_PER_PAGE = 50


# --- customers -----------------------------------------------------------------------


def sms_number(customer: Customer) -> str:
    """The number texts go to: the mobile, else the phone."""
    return customer.mobile or customer.phone


def last_notification_channel(customer: Customer) -> str | None:
    """The channel of the last receipt or reminder sent to the customer, if any: the one
    they are notified on (decision 0025)."""
    return (
        Message.objects.filter(
            conversation__customer=customer,
            direction=Direction.OUTBOUND,
            kind__in=(MessageKind.RECEIPT, MessageKind.REMINDER),
        )
        .order_by("-created_at", "-pk")
        .values_list("channel", flat=True)
        .first()
    )


def channels_on_file(customer: Customer) -> list[str]:
    channels: list[str] = []
    if sms_number(customer):
        channels.append(Channel.SMS)
    if customer.email:
        channels.append(Channel.EMAIL)
    return channels


def default_channel(customer: Customer, conversation: Conversation | None = None) -> str | None:
    """The channel the composer starts on: the customer's last inbound message's, else
    the channel of the last receipt or reminder sent, else email when on file."""
    available = channels_on_file(customer)
    if not available:
        return None
    if conversation is not None and conversation.pk:
        if conversation.last_inbound_channel in available:
            return conversation.last_inbound_channel
        last_notice = last_notification_channel(customer)
        if last_notice in available:
            return last_notice
    return Channel.EMAIL if Channel.EMAIL in available else available[0]


# --- the inbox -----------------------------------------------------------------------


def _visible(allowed: Collection[int] | None) -> QuerySet[Conversation]:
    """Conversations of the customers with an order at one of the locations ``allowed``
    (every conversation when None), unordered."""
    conversations = Conversation.objects.filter(last_message_at__isnull=False)
    if allowed is not None:
        conversations = conversations.filter(
            Exists(
                Order.objects.filter(customer_id=OuterRef("customer_id"), location_id__in=allowed)
            )
        )
    return conversations


def conversations_for(member: TeamMember) -> QuerySet[Conversation]:
    """Conversations of the customers ``member`` may see (as the customer directory:
    a member limited to some locations sees the customers with an order there), newest
    first. Unfiltered for the others, so the list walks its index and stops at a page."""
    return (
        _visible(visible_location_ids(member))
        .select_related("customer")
        .order_by("-last_message_at", "-id")
    )


# What an inbox row shows, read as values: not the customer's other columns (a wide
# row: notes, company details, the folded search text), nor model objects (30 rows of
# two models cost more to build than to find).
INBOX_COLUMNS = (
    *("id", "customer_id", "last_message_at", "last_message_preview", "unread_count"),
    "last_inbound_channel",
    # What the customer's name is made of (Customer.__str__).
    *(
        f"customer__{name}"
        for name in ("erased_at", "first_name", "initials", "last_name", "email", "phone")
    ),
)


@dataclass(slots=True)
class InboxCustomer:
    """The customer of an inbox row: what their name is made of."""

    id: int
    erased_at: datetime | None
    first_name: str
    initials: str
    last_name: str
    email: str | None
    phone: str

    @property
    def pk(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        # The model's own rules, on these values.
        return cast(str, cast(Any, Customer).full_name.fget(self))

    def __str__(self) -> str:
        return Customer.__str__(cast(Any, self))


@dataclass(slots=True)
class InboxRow:
    """A conversation as an inbox row shows it (dashboard/views/message_rows.py)."""

    id: int
    customer_id: int
    last_message_at: datetime | None
    last_message_preview: str
    unread_count: int
    last_inbound_channel: str
    customer: InboxCustomer

    @property
    def pk(self) -> int:
        return self.id


def _inbox_row(row: tuple[Any, ...]) -> InboxRow:
    pk, customer_id, at, preview, unread, channel, *customer = row
    return InboxRow(
        pk, customer_id, at, preview, unread, channel, InboxCustomer(customer_id, *customer)
    )


def _newest(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return conversations.order_by("-last_message_at", "-id")


# The inbox lists (and a search pages through) the newest conversations up to this many,
# as CappedPaginator does: enough to find one, cheap to count or merge in Python.
INBOX_SEARCH_CAP = 1_000


class _CappedCount(Subquery):
    """How many rows the subquery gives (it stops at ``INBOX_SEARCH_CAP + 1``), in the
    page's own statement: ``(SELECT COUNT(*) FROM (<subquery>) capped)``."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def _inbox_values(allowed: Collection[int] | None, low: int, high: int) -> QuerySet[Any]:
    """Rows ``low`` to ``high`` of the inbox (``INBOX_COLUMNS``), each with the number of
    conversations counted up to ``INBOX_SEARCH_CAP + 1``."""
    conversations = _visible(allowed)
    capped = conversations.order_by().values("pk")[: INBOX_SEARCH_CAP + 1]
    return (
        _newest(conversations)
        .annotate(total=_CappedCount(capped))
        .values_list(*INBOX_COLUMNS, "total")[low:high]
    )


# Without a search, a page's statement costs more to compile than to run: compiled once
# per process (each page's slice apart) for the members who see every location; the
# others' location ids make their SQL, compiled at each request.
_inbox_page = CompiledValues(lambda key: _inbox_values(None, *key), placeholders=())


class Inbox:
    """The inbox without a search, for Django's ``Paginator``: every conversation
    ``member`` may see, newest first, as ``InboxRow``; ``count()`` counts up to
    ``INBOX_SEARCH_CAP`` (CappedPaginator's cap: the pages reach the newest 1,000).

    ``page``, the page number asked for: ``count()`` reads that page with the count in
    one query, which the paginator's slice then takes. Past the end, it reads the rows
    of every page (the newest ``INBOX_SEARCH_CAP + 1``: counted, and the last page taken
    from them), one query more; a number the paginator reads otherwise (0) costs one
    more too."""

    def __init__(self, member: TeamMember, *, page: str | None, per_page: int) -> None:
        self.allowed = visible_location_ids(member)
        try:
            number = max(1, int(page)) if page else 1
        except ValueError:
            number = 1
        # The paginator shows at most this many pages (the count stops at the cap).
        number = min(number, -(-INBOX_SEARCH_CAP // per_page))
        self.low, self.high = (number - 1) * per_page, number * per_page
        self.read: list[tuple[Any, ...]] | None = None  # rows low to high, once read
        self.every: list[tuple[Any, ...]] | None = None  # every page's, past the end

    def _rows(self, low: int, high: int) -> list[tuple[Any, ...]]:
        if self.allowed is None:
            return _inbox_page.rows((low, high))
        return list(_inbox_values(self.allowed, low, high))

    def count(self) -> int:
        self.read = self._rows(self.low, self.high)
        if self.read:
            found = self.read[0][-1]
        elif self.low == 0:
            found = 0  # no first page: no conversation
        else:
            self.every = self._rows(0, INBOX_SEARCH_CAP + 1)
            found = len(self.every)
        return min(found, INBOX_SEARCH_CAP)

    def __getitem__(self, page: slice) -> list[InboxRow]:
        low, high = page.start or 0, page.stop
        if high is None or high <= low:  # an empty inbox's page: nothing to read
            return []
        if self.read is not None and low == self.low and high <= self.high:
            rows = self.read[: high - low]  # the last page may stop at the count
        elif self.every is not None:
            rows = self.every[low:high]
        else:
            rows = self._rows(low, high)
        return [_inbox_row(row[:-1]) for row in rows]


_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-/]{6,}$")


@dataclass(frozen=True)
class InboxSearchPage(PageLinks):
    """A page of an inbox search: the conversations, newest first, and whether there is a
    next one (a search is not counted: the count is what made it slow)."""

    object_list: list[InboxRow]
    number: int
    has_next: bool
    paginator: None = None  # the templates' "Page n of m" needs a count: "Page n" here


def _contact(search: str) -> tuple[str, str] | None:
    """("email", the address lower-cased) or ("phone", the number in E.164 as the
    directory reads it) when ``search`` is a whole address or number, else None."""
    if "@" in search:
        try:
            validate_email(search)
        except ValidationError:
            return None
        return ("email", search.lower())
    if _PHONE_CHARACTERS.match(search):
        try:
            return ("phone", to_e164(search, get_shop().country))
        except InvalidPhone:
            return None
    return None


Found = list[tuple[datetime, int, InboxRow | None]]


def _merge(sources: list[list[tuple[Any, ...]]], wanted: int, *, loaded: bool) -> Found:
    """The ``wanted`` newest conversations of all ``sources`` (each a list of rows, newest
    first: ``INBOX_COLUMNS`` when ``loaded``, else (last message time, id)), once each,
    as (last message time, id, the row when ``loaded``, else None)."""
    rows: dict[int, tuple[datetime, int, InboxRow | None]] = {}
    for source in sources:
        if loaded:
            for values in source:
                row = _inbox_row(values)
                assert row.last_message_at is not None  # _visible's filter
                rows[row.id] = (row.last_message_at, row.id, row)
        else:
            for at, pk in source:
                rows[pk] = (at, pk, None)
    return sorted(rows.values(), key=lambda row: (row[0], row[1]), reverse=True)[:wanted]


class _Like(Contains):
    """``search_text__contains`` as Django writes it (``LIKE %s``), given the pattern
    whole ("%word%", escaped): a statement compiled once takes each search's words as
    its parameters."""

    def process_rhs(self, qn: Any, connection: Any) -> Any:
        return super(PatternLookup, self).process_rhs(qn, connection)


class _ILike(IContains):
    """``body__icontains`` as Django writes it (``UPPER(body) LIKE UPPER(%s)``: what the
    trigram index ``message_body_trgm`` serves), given the pattern whole."""

    def process_rhs(self, qn: Any, connection: Any) -> Any:
        return super(PatternLookup, self).process_rhs(qn, connection)


def _pattern(text: str) -> str:
    """The LIKE pattern of ``contains``/``icontains``: ``text`` anywhere, escaped."""
    return f"%{connections['default'].ops.prep_for_like_query(text)}%"


def _search_values(
    key: tuple[str, int, int, bool], *patterns: str, allowed: Collection[int] | None = None
) -> QuerySet[Any]:
    """The ``wanted`` newest conversations (of the locations ``allowed``) of the customer
    with that address or number on file (``kind`` "email" or "phone": exact, with their
    indexes, the address ignoring case), of the customers whose folded text holds every
    pattern ("name"), or with a message whose body holds the pattern ("body"):
    ``INBOX_COLUMNS`` when ``loaded``, else (last message time, id)."""
    kind, count, wanted, loaded = key
    conversations = _visible(allowed)
    if kind == "email":
        # The conditions of the partial unique index on lower(email) (customer_by_email).
        conversations = (
            conversations.alias(email_ci=Lower("customer__email"))
            .filter(email_ci=patterns[0], customer__email__isnull=False)
            .exclude(customer__email="")
        )
    elif kind == "phone":
        conversations = conversations.filter(
            Q(customer__mobile=patterns[0]) | Q(customer__phone=patterns[0])
        )
    elif kind == "name":
        for pattern in patterns[:count]:
            conversations = conversations.filter(_Like(F("customer__search_text"), pattern))
    else:
        # The body only (what staff read, the subject excluded).
        conversations = conversations.filter(
            Exists(
                Message.objects.filter(conversation=OuterRef("pk")).filter(
                    _ILike(F("body"), patterns[0])
                )
            )
        )
    columns = INBOX_COLUMNS if loaded else ("last_message_at", "id")
    return _newest(conversations).values_list(*columns)[:wanted]


# A search's statements (for each kind, number of words, page and form), compiled once
# per process for the members who see every location, the words' patterns, the address
# or the number as parameters.
_SEARCH_SLOTS = tuple(f"compiled-inbox-search-{n}" for n in range(8))
_search_rows = CompiledValues(_search_values, placeholders=_SEARCH_SLOTS)


def _matches(
    kind: str, patterns: list[str], wanted: int, loaded: bool, allowed: Collection[int] | None
) -> list[tuple[Any, ...]]:
    key = (kind, len(patterns), wanted, loaded)
    if allowed is None and len(patterns) <= len(_SEARCH_SLOTS):
        return _search_rows.rows(key, *patterns)
    return list(_search_values(key, *patterns, allowed=allowed))


# Up to this page a search loads its candidates whole (one query less, a few dozen
# rows more); beyond, it reads their ids and then the page's conversations.
_LOADED_PAGES = 3


def search_inbox(
    member: TeamMember, search: str, number: int = 1, *, per_page: int
) -> InboxSearchPage:
    """Page ``number`` of the conversations ``member`` may see that match ``search``,
    newest first.

    A whole phone number or email address on file shows that customer's conversation
    (exact, indexed). Otherwise two queries, each planned on its own: the conversations
    of the customers whose folded name, email or phones contain every word (the
    directory's ``search_text``, trigram-indexed on PostgreSQL), and those with a message
    whose body contains the text (``message_body_trgm``); each gives its newest matches
    up to the page asked for, merged here. On PostgreSQL, with 200,000 conversations and
    1,000,000 messages, each walks the conversations newest first when its matches are
    common (stopping after a page) and takes the matches from its trigram index when they
    are rare; one query with both conditions OR-ed (the former way) could do neither: it
    hashed every match of a common word, or walked every conversation for a rare one
    (65-310 ms a page)."""
    search = search.strip()
    allowed = visible_location_ids(member)
    pages = -(-INBOX_SEARCH_CAP // per_page)
    number = min(max(1, number), pages)
    wanted = number * per_page + 1
    loaded = number <= _LOADED_PAGES
    found: Found = []
    contact = _contact(search)
    if contact is not None:
        kind, value = contact
        found = _merge([_matches(kind, [value], wanted, loaded, allowed)], wanted, loaded=loaded)
    if not found:  # not a number or an address on file: words and message text
        sources = []
        words = fold(search).split()
        if words:
            patterns = [_pattern(word) for word in words]
            sources.append(_matches("name", patterns, wanted, loaded, allowed))
        sources.append(_matches("body", [_pattern(search)], wanted, loaded, allowed))
        found = _merge(sources, wanted, loaded=loaded)
    if number > 1 and len(found) <= (number - 1) * per_page:  # past the end: the last page
        number = max(1, -(-len(found) // per_page))
    shown = found[(number - 1) * per_page : number * per_page]
    if loaded:
        page = [row for _at, _pk, row in shown if row is not None]
    else:
        ids = [pk for _at, pk, _row in shown]
        by_id = (
            {
                values[0]: _inbox_row(values)
                for values in Conversation.objects.filter(pk__in=ids).values_list(*INBOX_COLUMNS)
            }
            if ids
            else {}
        )
        page = [by_id[pk] for pk in ids if pk in by_id]
    return InboxSearchPage(
        object_list=page,
        number=number,
        has_next=len(found) > number * per_page and number < pages,
    )


# --- one conversation ----------------------------------------------------------------


def conversation_for_staff(member: TeamMember, customer_id: int) -> Conversation | None:
    """The conversation with a customer ``member`` may see; None when there is none yet.
    NotFound when the customer is not theirs to see."""
    customer = visible_customers(member).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No such customer."))
    conversation = Conversation.objects.filter(customer=customer).first()
    if conversation is not None:
        conversation.customer = customer
    return conversation


def conversation_of(customer: Customer) -> Conversation | None:
    """The conversation with ``customer`` (one already scoped by ``customer_to_message``),
    None when there is none yet."""
    conversation = Conversation.objects.filter(customer=customer).first()
    if conversation is not None:
        conversation.customer = customer
    return conversation


def customer_to_message(member: TeamMember, customer_id: int, *, sending: bool = False) -> Customer:
    """A customer ``member`` may write to. ``sending``: with their last order's location
    (the quiet hours' time zone when their number says none), which only sending reads:
    the pages (the conversation, its updates polled every few seconds) go without the
    two joined rows (0.5-1 ms of compiling and building a request)."""
    customers = visible_customers(member)
    if sending:
        customers = customers.select_related("spending__last_location")
    customer = customers.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No such customer."))
    return customer


# The conversation page (and its updates, polled every few seconds) reads its customer
# and their conversation in one statement, compiled once per process.
_customer_and_conversation = CompiledRead(
    lambda pk: Customer.objects.filter(pk=pk).select_related("conversation")
)


def customer_and_conversation(
    member: TeamMember, customer_id: int
) -> tuple[Customer, Conversation | None]:
    """``customer_to_message`` and ``conversation_of`` in one query: a customer
    ``member`` may write to (NotFound otherwise) and their conversation, None when there
    is none yet."""
    if visible_location_ids(member) is None:
        customer = _customer_and_conversation.first(customer_id)
    else:
        customer = (
            visible_customers(member).select_related("conversation").filter(pk=customer_id).first()
        )
    if customer is None:
        raise NotFound(_("No such customer."))
    try:
        conversation: Conversation | None = customer.conversation  # read with the customer
    except Conversation.DoesNotExist:
        conversation = None
    return customer, conversation


_VERIFIED = CompiledValues(
    lambda key: BusinessVerification.objects.filter(verified_at__isnull=False).values_list("id")[
        :1
    ],
    placeholders=(),
)


def business_verified() -> bool:
    """``verification.is_verified()`` (messaging is on: the business identity is
    verified) with its SQL compiled once per process: every inbox page asks."""
    return bool(_VERIFIED.rows(None))


@dataclass(slots=True)
class PageAttachment:
    """An attachment as a conversation page lists it."""

    id: int
    filename: str
    size: int


@dataclass(slots=True)
class PageMessage:
    """A message as a conversation page shows it (dashboard/views/message_rows.py), read
    as values: not an inbound email's original text, HTML and raw source (the reply is
    shown), nor its addresses, provider ids and stamps; of its author the name, of its
    order the number."""

    id: int
    direction: str
    channel: str
    kind: str
    status: str
    body: str
    subject: str
    error_code: str
    error_message: str
    possible_opt_out: bool
    send_after: datetime | None
    created_at: datetime
    author_id: int | None
    author_name: str | None  # the author's user: full name, else email
    author_email: str | None
    order_id: int | None
    order_number: str | None
    attachment_list: list[PageAttachment] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def failure_reason(self) -> str:
        # The model's own rule, on these values.
        return cast(Any, Message).failure_reason.fget(self)


@dataclass(frozen=True)
class MessagePage:
    """Messages in time order (oldest first), the latest page before ``before``."""

    messages: list[PageMessage]
    older_cursor: int | None  # the id to ask for older messages with, when there are some


_PAGE_COLUMNS = (
    *("id", "direction", "channel", "kind", "status", "body", "subject", "error_code"),
    *("error_message", "possible_opt_out", "send_after", "created_at", "author_id"),
    *("author__user__full_name", "author__user__email", "order_id", "order__number"),
)


def _page_values(key: tuple[bool, int], conversation_id: int, before: int) -> QuerySet[Any]:
    """The newest ``size + 1`` messages of the conversation (older than message
    ``before`` when ``older``), as ``_PAGE_COLUMNS``. Keyset paging on (created_at, id):
    the cursor's time is a subquery that also bounds the index walk (``created_at <=``:
    without it PostgreSQL read the conversation's index from its newest entry down to
    the cursor, 10,000 entries for the oldest page of the bench's long conversation)."""
    older, size = key
    rows = Message.objects.filter(conversation_id=conversation_id)
    if older:
        anchor = Message.objects.filter(conversation_id=conversation_id, pk=before)
        at = Subquery(anchor.order_by().values("created_at")[:1])
        rows = rows.filter(created_at__lte=at).filter(
            Q(created_at__lt=at) | Q(created_at=at, id__lt=before)
        )
    return rows.order_by("-created_at", "-id").values_list(*_PAGE_COLUMNS)[: size + 1]


# A conversation page's statement costs more to compile than to run (1.5 ms against
# 0.3 on the bench's long conversation): compiled once per process for the latest page
# and for an older one, for each page size.
_page_rows = CompiledValues(_page_values, placeholders=(-7_913_572_468_137, -7_913_572_468_138))


def _attachment_values(key: int, *message_ids: int) -> QuerySet[Any]:
    return (
        Attachment.objects.filter(message_id__in=message_ids)
        .order_by("id")
        .values_list("message_id", "id", "filename", "size")
    )


# The attachments of a page's messages: a statement compiled once per process with
# MESSAGES_PER_PAGE ids (a shorter page repeats its last id).
_ATTACHMENT_SLOTS = tuple(-7_913_572_468_200 - n for n in range(MESSAGES_PER_PAGE))
_attachment_rows = CompiledValues(_attachment_values, placeholders=_ATTACHMENT_SLOTS)


def _attachments_of(message_ids: list[int]) -> list[tuple[Any, ...]]:
    """(message id, id, filename, size) of the attachments of ``message_ids``, by id."""
    if len(message_ids) > MESSAGES_PER_PAGE:
        return list(_attachment_values(0, *message_ids))
    padded = message_ids + message_ids[-1:] * (MESSAGES_PER_PAGE - len(message_ids))
    return _attachment_rows.rows(MESSAGES_PER_PAGE, *padded)


def message_page(
    conversation: Conversation, *, before: int | None = None, per_page: int = MESSAGES_PER_PAGE
) -> MessagePage:
    """Up to ``per_page`` messages older than message ``before`` (the newest when None):
    keyset paging on (created_at, id), so page 200 of 10,000 messages costs the same as
    the first. Two queries (messages, attachments); a cursor that is not a message of
    this conversation shows the latest page (one query more)."""
    found = _page_rows.rows((before is not None, per_page), conversation.pk, before or 0)
    if (
        not found
        and before is not None
        and not Message.objects.filter(conversation=conversation, pk=before).exists()
    ):
        found = _page_rows.rows((False, per_page), conversation.pk, 0)
    older = found[per_page - 1][0] if len(found) > per_page else None
    messages = [PageMessage(*row) for row in reversed(found[:per_page])]
    if messages:
        by_id = {message.id: message for message in messages}
        attachments = _attachments_of(list(by_id))
        for message_id, attachment_id, filename, size in attachments:
            by_id[message_id].attachment_list.append(PageAttachment(attachment_id, filename, size))
    return MessagePage(messages=messages, older_cursor=older)


def attachment_in(conversation: Conversation, attachment_id: int) -> Attachment:
    """An attachment of the conversation: only reachable through it."""
    found = (
        Attachment.objects.filter(pk=attachment_id, message__conversation=conversation)
        .select_related("message")
        .first()
    )
    if found is None:
        raise NotFound(_("No such attachment."))
    return found


# --- the development text outbox -----------------------------------------------------


def development_texts() -> QuerySet[Message]:
    """Texts the development backend "sent", newest first."""
    return (
        Message.objects.filter(
            channel=Channel.SMS,
            direction=Direction.OUTBOUND,
            provider_message_id__startswith=DevelopmentSmsProvider.ID_PREFIX,
        )
        .select_related("conversation__customer")
        .order_by("-sent_at", "-id")
    )
