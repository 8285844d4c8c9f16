"""The messages of a conversation page, written once per page.

A page shows 50 messages; the former per-message template (an include each, labels and
dates through filters) cost about 40 ms of a 60 ms page on the 10,000-message
conversation, with about 650 translation lookups: the SQL took 5. So what the messages
share is worked out once per page (the labels of channels, kinds and statuses, the
sentences around values, the date format, the addresses of attachments and orders, the
customer's and the authors' names) and each message's ``<li>`` is built here with every
value escaped, as ``dashboard/views/order_rows.py`` does for the Orders page. The
markup is the one the template wrote."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from comptoir.customers.models import Customer
from comptoir.dashboard.views.order_rows import DateFormatter, escaped
from comptoir.messaging.models import (
    Channel,
    Direction,
    MessageKind,
    MessageStatus,
)
from comptoir.messaging.selectors import InboxRow, PageMessage

# Kinds whose label the meta line leaves out (a message someone wrote).
_UNLABELLED_KINDS = frozenset({MessageKind.STAFF.value, MessageKind.CUSTOMER.value})


class MessageCells:
    """What the messages of one page share, read once."""

    def __init__(self, customer: Customer) -> None:
        # Labels and attribute values escaped once (a value not among the choices is
        # escaped where it is shown).
        self.channels = {value: escaped(label) for value, label in Channel.choices}
        self.kinds = {value: escaped(label) for value, label in MessageKind.choices}
        self.statuses = {value: escaped(label) for value, label in MessageStatus.choices}
        self.status_values = {value: escaped(value) for value in MessageStatus.values}
        self.directions = {value: escaped(value) for value in Direction.values}
        self.customer = escaped(customer)
        self.the_shop = escaped(_("The shop"))
        self.quiet_hours = _("(quiet hours: sent after %(at)s)")
        self.opt_out = escaped(_("Possible opt-out"))
        self.not_delivered = escaped(_("Not delivered:"))
        self.retrying = escaped(_("Retrying:"))
        self.order = _("Order %(number)s")
        self.date_format = DateFormatter(get_format("SHORT_DATETIME_FORMAT"))
        self.zone = timezone.get_current_timezone()
        self.attachment_href = escaped(
            reverse("dashboard:message_attachment", kwargs={"customer_id": customer.pk})
        )
        # "/dashboard/orders/0/" -> the parts around the id.
        self.order_href = reverse("dashboard:order_detail", kwargs={"order_id": 0}).rsplit("0", 1)
        self.authors: dict[int, str] = {}

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def short(self, moment: datetime) -> str:
        """``moment|date:"SHORT_DATETIME_FORMAT"``, the format read once."""
        return self.date_format(self.local(moment))

    def sender(self, message: PageMessage) -> str:
        if message.direction == Direction.INBOUND:
            return self.customer
        if message.author_id is None:
            return self.the_shop
        name = self.authors.get(message.author_id)
        if name is None:
            # The user's get_full_name(): their full name, else their email.
            name = escaped(message.author_name or message.author_email or "")
            self.authors[message.author_id] = name
        return name


def message_html(message: PageMessage, cells: MessageCells) -> SafeString:
    """The message's ``<li>`` (the former ``_message.html``): who, channel, kind, time,
    status, the quiet hours' wait, the opt-out flag, subject, body, why it failed,
    attachments and its order. Every value is escaped."""
    status = message.status
    status_value = cells.status_values.get(status) or escaped(status)
    channel = cells.channels.get(message.channel) or escaped(message.channel)
    meta = [cells.sender(message), f' · <span class="channel">{channel}</span>']
    if message.kind not in _UNLABELLED_KINDS:
        meta.append(f" · {cells.kinds.get(message.kind) or escaped(message.kind)}")
    created = cells.local(message.created_at)
    meta.append(
        f' · <time datetime="{created.isoformat()}">{escaped(cells.date_format(created))}</time>'
        f' · <span class="status status-{status_value}">'
        f"{cells.statuses.get(status) or escaped(status)}</span>"
    )
    if status == MessageStatus.QUEUED and message.send_after:
        waiting = cells.quiet_hours % {"at": cells.short(message.send_after)}
        meta.append(f' <span class="helptext">{escaped(waiting)}</span>')
    if message.possible_opt_out:
        meta.append(f' <strong class="flag">{cells.opt_out}</strong>')
    parts = [
        f'<li class="message {cells.directions.get(message.direction) or escaped(message.direction)}"'
        f' id="message-{message.pk}" data-status="{status_value}">\n'
        f'  <p class="meta">{"".join(meta)}</p>\n'
    ]
    if message.subject:
        parts.append(f'  <p class="subject"><strong>{escaped(message.subject)}</strong></p>\n')
    body = message.body.replace("\r\n", "\n").replace("\r", "\n")
    parts.append(f'  <div class="body">{escaped(body).replace(chr(10), "<br>")}</div>\n')
    if status == MessageStatus.FAILED:
        parts.append(
            f'  <p class="error" role="alert">{cells.not_delivered}'
            f" {escaped(message.failure_reason)}</p>\n"
        )
    elif status == MessageStatus.QUEUED and message.error_message:
        parts.append(
            f'  <p class="helptext">{cells.retrying} {escaped(message.failure_reason)}</p>\n'
        )
    attachments = message.attachment_list
    if attachments:
        parts.append('  <ul class="attachments">')
        for attachment in attachments:
            parts.append(
                f'<li><a href="{cells.attachment_href}?file={attachment.id}">'
                f"{escaped(attachment.filename)}</a>"
                f' <span class="helptext">{escaped(filesizeformat(attachment.size))}</span></li>'
            )
        parts.append("</ul>\n")
    if message.order_id is not None and message.order_number is not None:
        start, end = cells.order_href
        label = cells.order % {"number": message.order_number}
        parts.append(
            f'  <p class="helptext"><a href="{escaped(f"{start}{message.order_id}{end}")}">'
            f"{escaped(label)}</a></p>\n"
        )
    parts.append("</li>")
    return SafeString("".join(parts))  # every value above is escaped


def messages_html(messages: Iterable[PageMessage], customer: Customer) -> list[SafeString]:
    cells = MessageCells(customer)
    return [message_html(message, cells) for message in messages]


# The inbox's preview of the last message, in characters (the former ``truncatechars``).
PREVIEW_CHARACTERS = 90


def _preview(text: str) -> str:
    # Truncator counts characters as ``truncatechars`` does; a text this short or
    # shorter is shown whole, which most are.
    return text if len(text) <= PREVIEW_CHARACTERS else Truncator(text).chars(PREVIEW_CHARACTERS)


def inbox_rows_html(conversations: Iterable[InboxRow]) -> list[SafeString]:
    """The inbox's ``<tr>`` of each conversation (the template's former loop, with a
    ``{% url %}``, three filters and a label lookup per row): the customer and the link
    to the conversation, the last message's preview, the channel it came by, the unread
    badge and when. Every value is escaped."""
    channels = {value: escaped(label) for value, label in Channel.choices}  # escaped once
    date_format = DateFormatter(get_format("SHORT_DATETIME_FORMAT"))
    zone = timezone.get_current_timezone()
    start, end = (
        escaped(part)
        for part in reverse("dashboard:message_conversation", kwargs={"customer_id": 0}).rsplit(
            "0", 1
        )
    )
    rows = []
    for conversation in conversations:
        unread = conversation.unread_count
        channel = conversation.last_inbound_channel
        moment = conversation.last_message_at
        local = moment.astimezone(zone) if moment is not None else None
        href = f"{start}{conversation.customer_id}{end}"  # an int between escaped parts
        unread_class = ' class="unread"' if unread else ""
        badge = f'<span class="badge" data-unread="{unread}">{unread}</span>' if unread else ""
        rows.append(
            SafeString(  # every value is escaped
                f"<tr{unread_class}>\n"
                f'      <td><a href="{href}">{escaped(conversation.customer)}</a></td>\n'
                f"      <td>{escaped(_preview(conversation.last_message_preview))}</td>\n"
                f"      <td>{channels.get(channel) or escaped(channel)}</td>\n"
                f"      <td>{badge}</td>\n"
                f'      <td><time datetime="{local.isoformat() if local else ""}">'
                f"{escaped(date_format(local)) if local else ''}</time></td>\n"
                "    </tr>\n  "
            )
        )
    return rows
