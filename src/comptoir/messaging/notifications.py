"""Telling the team about new customer messages.

The owner and the full-access members (only them) get an email for each new inbound
message, batched: ``notify_staff_of_inbound`` (called by ``record_inbound`` after
commit) schedules ``send_new_message_notices`` a minute after the first message not yet
notified, unless a batch is already waiting for an earlier one; that task then emails
every message received meanwhile in one email per member, in the member's language,
with links to the conversations.

What was notified is kept as ``coupons.InboxNotice`` rows (messages up to an id); a
batch starts after the last one, and the start is unique, so a task run twice (or two
at once) emails once. Messages older than ``FORGET_AFTER`` (imported or seeded history)
are never notified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from comptoir.coupons.models import InboxNotice
from comptoir.jobs.dispatch import deferred, enqueue_after_commit
from comptoir.jobs.retry import retrying
from comptoir.mail.services import queue_templated_email
from comptoir.messaging.models import Channel, Direction, Message
from comptoir.shop.links import absolute_url
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access, TeamMember

BATCH_DELAY = timedelta(seconds=60)
FORGET_AFTER = timedelta(days=1)
MAX_LISTED = 20  # messages listed in one email; the rest are counted
PREVIEW_LENGTH = 300
TEMPLATE = "new_customer_messages"


def notify_staff_of_inbound(message_id: int) -> None:
    """Schedule the email about ``message_id`` (an inbound message just committed):
    a minute after it, unless a batch is already waiting for an earlier message. One
    query: the oldest message not yet notified, up to this one."""
    last_notified = Subquery(
        InboxNotice.objects.order_by("-up_to_message_id").values("up_to_message_id")[:1]
    )
    first = (
        Message.objects.filter(
            direction=Direction.INBOUND,
            created_at__gte=timezone.now() - FORGET_AFTER,
            pk__gt=Coalesce(last_notified, Value(0)),
            pk__lte=message_id,
        )
        .order_by("pk")
        .values_list("pk", "created_at")
        .first()
    )
    if first is None or first[0] != message_id:
        return  # not to notify, or the batch of an earlier message (due soon) takes it
    _schedule(first[1] + BATCH_DELAY)


@retrying(max_attempts=5, base_delay_seconds=30, max_delay_seconds=600)
def send_new_message_notices() -> str:
    return send_pending_notices()


def send_pending_notices(now: datetime | None = None) -> str:
    """Email the owner and full-access members about every inbound message not yet
    notified (one email each). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        after = _last_notified_id()
        messages = list(
            _unnotified(after, now).select_related("conversation__customer").order_by("id")
        )
        if not messages:
            return "nothing to notify"
        recipients = staff_to_notify()
        try:
            with transaction.atomic():
                InboxNotice.objects.create(
                    after_message_id=after,
                    up_to_message_id=messages[-1].pk,
                    message_count=len(messages),
                    recipient_count=len(recipients),
                    created_at=now,
                )
        except IntegrityError:
            return "already notified"  # another run of the same batch won
        _email(messages, recipients)
        up_to = messages[-1].pk
    # A message committed while this batch was read found it pending and scheduled
    # nothing: its own batch starts now.
    later = _unnotified(up_to, now).order_by("id").values_list("created_at", flat=True).first()
    if later is not None:
        _schedule(later + BATCH_DELAY)
    return f"{len(messages)} message(s) notified to {len(recipients)} member(s)"


def staff_to_notify() -> list[TeamMember]:
    """The owner and the full-access members who can read the email."""
    return list(
        TeamMember.objects.filter(
            is_active=True,
            access__in=[Access.OWNER, Access.FULL],
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


@dataclass(frozen=True)
class NoticeItem:
    name: str
    channel: str
    received_at: datetime
    preview: str
    url: str


def _email(messages: list[Message], recipients: list[TeamMember]) -> None:
    if not recipients:
        return
    shop = get_shop()
    items = [
        NoticeItem(
            name=message.conversation.customer.full_name or str(message.conversation.customer),
            channel=message.channel,
            received_at=message.created_at,
            preview=_preview(message),
            url=absolute_url(conversation_path(message.conversation.customer_id)),
        )
        for message in messages[:MAX_LISTED]
    ]
    senders = {message.conversation.customer_id for message in messages}
    for member in recipients:
        queue_templated_email(
            to=member.user.email,
            template=TEMPLATE,
            context={
                "recipient": member.user,
                "items": items,
                "count": len(messages),
                "more": max(0, len(messages) - MAX_LISTED),
                "single_sender": items[0].name if len(senders) == 1 else "",
                "inbox_url": absolute_url(reverse("dashboard:message_inbox")),
                "email_channel": Channel.EMAIL.value,
            },
            language=member.user.language or shop.published_language,
            kind="staff_new_customer_messages",
        )


def conversation_path(customer_id: int) -> str:
    """The dashboard page of the customer's conversation."""
    return reverse("dashboard:message_conversation", args=[customer_id])


def _preview(message: Message) -> str:
    text = " ".join((message.body or message.subject).split())
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"


def _last_notified_id() -> int:
    return InboxNotice.objects.aggregate(last=Max("up_to_message_id"))["last"] or 0


def _unnotified(after: int | None = None, now: datetime | None = None) -> QuerySet[Message]:
    after = _last_notified_id() if after is None else after
    since = (now or timezone.now()) - FORGET_AFTER
    return Message.objects.filter(direction=Direction.INBOUND, pk__gt=after, created_at__gte=since)


def _schedule(run_after: datetime) -> None:
    enqueue_after_commit(deferred(send_new_message_notices, run_after))
