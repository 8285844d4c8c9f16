"""Reads about conversations and messages, scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.search import fold
from comptoir.customers.selectors import customer_by_email, visible_customers
from comptoir.errors import NotFound
from comptoir.messaging.models import (
    Attachment,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageKind,
)
from comptoir.messaging.sms import DevelopmentSmsProvider
from comptoir.orders.models import Order
from comptoir.shop.selectors import get_shop
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember

MESSAGES_PER_PAGE = 50


# --- customers -----------------------------------------------------------------------


def customer_for_phone(e164: str) -> Customer | None:
    """The record with this number as mobile (preferred) or phone; the oldest first."""
    if not e164:
        return None
    for field in ("mobile", "phone"):
        found = (
            Customer.objects.filter(**{field: e164}, erased_at__isnull=True).order_by("pk").first()
        )
        if found is not None:
            return found
    return None


def customer_for_email(address: str) -> Customer | None:
    return customer_by_email(address)


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
        last_notice = (
            Message.objects.filter(
                conversation=conversation,
                direction=Direction.OUTBOUND,
                kind__in=[MessageKind.RECEIPT, MessageKind.REMINDER],
            )
            .order_by("-created_at", "-id")
            .values_list("channel", flat=True)
            .first()
        )
        if last_notice in available:
            return last_notice
    return Channel.EMAIL if Channel.EMAIL in available else available[0]


# --- the inbox -----------------------------------------------------------------------


def conversations_for(member: TeamMember) -> QuerySet[Conversation]:
    """Conversations of the customers ``member`` may see (as the customer directory:
    a member limited to some locations sees the customers with an order there), newest
    first. Unfiltered for the others, so the list walks its index and stops at a page."""
    conversations = Conversation.objects.filter(last_message_at__isnull=False)
    allowed = visible_location_ids(member)
    if allowed is not None:
        conversations = conversations.filter(
            Exists(
                Order.objects.filter(customer_id=OuterRef("customer_id"), location_id__in=allowed)
            )
        )
    return conversations.select_related("customer").order_by("-last_message_at", "-id")


def inbox(member: TeamMember, search: str = "") -> QuerySet[Conversation]:
    """The inbox, filtered by customer name, phone, email or the text of a message.

    Two EXISTS conditions on the newest-first walk: measured on PostgreSQL with 200,000
    conversations and 1,000,000 messages, a page takes 10-190 ms for a rare or a common
    word alike, where a join or a UNION of the matches took seconds for one or the other."""
    conversations = conversations_for(member)
    search = search.strip()
    if not search:
        return conversations
    by_customer = Q()
    for word in fold(search).split():
        by_customer &= Q(search_text__contains=word)
    if any(c.isdigit() for c in search):
        try:
            number = to_e164(search, get_shop().country)
        except InvalidPhone:
            pass
        else:
            by_customer |= Q(mobile=number) | Q(phone=number)
    customer_matches = Exists(Customer.objects.filter(by_customer, pk=OuterRef("customer_id")))
    # The body only (what staff read, the subject excluded): one indexed condition
    # (a trigram index on PostgreSQL, see migration 0003).
    text_matches = Exists(
        Message.objects.filter(conversation=OuterRef("pk"), body__icontains=search)
    )
    return conversations.filter(customer_matches | text_matches)


def unread_total(member: TeamMember) -> int:
    total = conversations_for(member).filter(unread_count__gt=0).aggregate(n=Sum("unread_count"))
    return int(total["n"] or 0)


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


def customer_to_message(member: TeamMember, customer_id: int) -> Customer:
    customer = (
        visible_customers(member)
        .select_related("spending__last_location")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound(_("No such customer."))
    return customer


@dataclass(frozen=True)
class MessagePage:
    """Messages in time order (oldest first), the latest page before ``before``."""

    messages: list[Message]
    older_cursor: int | None  # the id to ask for older messages with, when there are some


def _messages(conversation: Conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author__user", "order")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
    )


def message_page(
    conversation: Conversation, *, before: int | None = None, per_page: int = MESSAGES_PER_PAGE
) -> MessagePage:
    """Up to ``per_page`` messages older than message ``before`` (the newest when None):
    keyset paging on (created_at, id), so page 200 of 10,000 messages costs the same as
    the first. Three queries (messages, attachments, and the cursor's row)."""
    rows = _messages(conversation).order_by("-created_at", "-id")
    if before is not None:
        anchor = (
            Message.objects.filter(conversation=conversation, pk=before)
            .values_list("created_at", "id")
            .first()
        )
        if anchor is not None:
            rows = rows.filter(
                Q(created_at__lt=anchor[0]) | Q(created_at=anchor[0], id__lt=anchor[1])
            )
    found = list(rows[: per_page + 1])
    older = found[per_page - 1].pk if len(found) > per_page else None
    page = found[:per_page]
    page.reverse()
    return MessagePage(messages=page, older_cursor=older)


def messages_after(conversation: Conversation, after: int) -> list[Message]:
    """Messages newer than message ``after`` (the live refresh), oldest first."""
    anchor = (
        Message.objects.filter(conversation=conversation, pk=after)
        .values_list("created_at", "id")
        .first()
    )
    rows = _messages(conversation).order_by("created_at", "id")
    if anchor is not None:
        rows = rows.filter(Q(created_at__gt=anchor[0]) | Q(created_at=anchor[0], id__gt=anchor[1]))
    return list(rows[:MESSAGES_PER_PAGE])


def messages_by_id(conversation: Conversation, ids: list[int]) -> list[Message]:
    return list(_messages(conversation).filter(pk__in=ids).order_by("created_at", "id"))


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
