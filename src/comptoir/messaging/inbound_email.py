"""An inbound email, from the SMTP receiver (``comptoir mail-in``) or a provider's
inbound webhook (django-anymail), recorded in its customer's conversation.

Matching, in order (as Chatwoot does it): the token of a ``reply+<token>@`` recipient
(To, Cc, Delivered-To, X-Original-To, the SMTP envelope); else a Message-ID of ours in
In-Reply-To or References; else the sender's address on a customer record; else a new
customer from the From name and address. A client that drops the token or rewrites the
threading headers still lands in the same conversation by the next rule.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses

from django.db import transaction

from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_by_email
from comptoir.messaging import services
from comptoir.messaging.email_channel import reply_domain
from comptoir.messaging.models import Channel, Conversation, Direction, Message
from comptoir.messaging.replies import html_to_text, sanitise_html, strip_reply

logger = logging.getLogger(__name__)

RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# The token alphabet of ``secrets.token_urlsafe``.
_REPLY_TOKEN = re.compile(r"^reply\+([A-Za-z0-9_-]{8,64})@(.+)$", re.IGNORECASE)
MAX_ID_LENGTH = 255


@dataclass
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedEmail:
    raw: str
    message_id: str
    in_reply_to: str
    references: list[str]
    subject: str
    from_name: str
    from_address: str
    recipients: list[str]
    text: str
    html: str
    attachments: list[InboundAttachment] = field(default_factory=list)
    # An out-of-office reply, a bounce, a mailing: recorded where it belongs, but never
    # the start of a new customer.
    automatic: bool = False

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this email answers, the most direct first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [ref for ref in reversed(self.references) if ref not in ids]
        return ids


def parse_email(raw: bytes) -> ParsedEmail:
    """Read a raw RFC 5322 message with the standard library (``policy.default``)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    from_name, from_address = _sender(message)
    text = _storable(_content(message.get_body(preferencelist=("plain",))))
    html = _storable(_content(message.get_body(preferencelist=("html",))))
    attachments = []
    for part in message.iter_attachments():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            payload = part.as_bytes()
        else:
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
        attachments.append(
            InboundAttachment(
                filename=_safe_filename(part.get_filename() or "", part.get_content_type()),
                content_type=part.get_content_type(),
                content=payload,
            )
        )
    return ParsedEmail(
        raw=_storable(raw.decode("utf-8", errors="replace")),
        message_id=_first_id(_header(message, "Message-ID")),
        in_reply_to=_first_id(_header(message, "In-Reply-To")),
        references=_MESSAGE_ID.findall(_header(message, "References")),
        subject=_storable(" ".join(_header(message, "Subject").split()))[:255],
        from_name=from_name,
        from_address=from_address,
        recipients=_recipients(message),
        text=text,
        html=html,
        attachments=attachments,
        automatic=_is_automatic(message, from_address),
    )


def receive_email(
    raw: bytes, *, envelope_recipients: Iterable[str] = (), envelope_sender: str | None = None
) -> Message | None:
    """Record one inbound email in the conversation it belongs to; a second delivery of
    the same Message-ID returns the message recorded the first time.

    ``envelope_sender`` is the SMTP MAIL FROM when known ("" for the null sender of a
    bounce). None when the email is discarded: automatic (a bounce, an auto-reply) and
    of no known conversation or customer, or without any sender address."""
    email = parse_email(raw)
    if envelope_sender is not None and not envelope_sender.strip("<> "):
        email.automatic = True  # MAIL FROM:<>, a delivery report
    if not email.from_address and envelope_sender:
        email.from_address = envelope_sender.strip("<> ").lower()
    recipients = [*email.recipients, *(r.strip() for r in envelope_recipients)]
    with transaction.atomic():
        conversation = _conversation_for(email, recipients)
        if conversation is None:
            logger.info(
                "inbound email %s from %r discarded: automatic or without sender, and of no"
                " known conversation",
                email.message_id,
                email.from_address,
            )
            return None
        # The conversation row is locked: a duplicate delivered at the same time waits
        # here, then sees the first one.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        if email.message_id:
            duplicate = Message.objects.filter(
                conversation=conversation,
                direction=Direction.INBOUND,
                email_message_id__in=_id_forms(email.message_id),
            ).first()
            if duplicate is not None:
                logger.info("inbound email %s already recorded", email.message_id)
                return duplicate
        answered = _answered_message(email, conversation)
        text = email.text or html_to_text(email.html)
        body = strip_reply(text) or email.subject
        return services.record_inbound(
            customer=conversation.customer,
            channel=Channel.EMAIL,
            body=body,
            from_address=email.from_address,
            subject=email.subject,
            full_body=text,
            html_body=sanitise_html(email.html),
            raw_source=email.raw,
            email_message_id=_stored_id(email.message_id),
            in_reply_to=_stored_id(email.in_reply_to),
            order=answered.order if answered is not None else None,
            appointment_id=answered.appointment_id if answered is not None else None,
            attachments=email.attachments,
        )


def reply_token_of(address: str) -> str | None:
    """The conversation token of ``reply+<token>@<reply domain>``, else None."""
    match = _REPLY_TOKEN.match(address.strip().strip("<>"))
    if match is None or match.group(2).lower() != reply_domain():
        return None
    return match.group(1)


def _conversation_for(email: ParsedEmail, recipients: list[str]) -> Conversation | None:
    for address in recipients:
        token = reply_token_of(address)
        if token is None:
            continue
        conversation = (
            Conversation.objects.select_related("customer").filter(reply_token=token).first()
        )
        if conversation is not None:
            return conversation
    ids = [form for message_id in email.thread_ids for form in _id_forms(message_id)]
    if ids:
        answered = (
            Message.objects.select_related("conversation__customer")
            .filter(email_message_id__in=ids)
            .order_by("-created_at", "-id")
            .first()
        )
        if answered is not None:
            return answered.conversation
    if not email.from_address:
        return None
    customer: Customer | None = customer_by_email(email.from_address)
    if customer is None:
        if email.automatic:
            return None
        customer = services.customer_for_inbound(email=email.from_address, name=email.from_name)
    return services.conversation_for(customer)


def _answered_message(email: ParsedEmail, conversation: Conversation) -> Message | None:
    """Our message this email answers (to link a reply to a receipt with its order)."""
    ids = [form for message_id in email.thread_ids for form in _id_forms(message_id)]
    if not ids:
        return None
    return (
        Message.objects.filter(
            conversation=conversation, direction=Direction.OUTBOUND, email_message_id__in=ids
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError):  # a header too malformed for the parser
        return ""
    return _storable(str(value or ""))


def _sender(message: EmailMessage) -> tuple[str, str]:
    for header in ("From", "Reply-To", "Sender"):
        value = _header(message, header)
        addresses = getaddresses([value])
        for name, address in addresses:
            if "@" in address:
                return name.strip(), address.strip().lower()
    return "", ""


_AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)


def _is_automatic(message: EmailMessage, from_address: str) -> bool:
    """RFC 3834's Auto-Submitted, the headers of older auto-responders, delivery reports."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    precedence = _header(message, "Precedence").strip().lower()
    return (
        (auto_submitted not in ("", "no"))
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(_header(message, "X-Autoreply") or _header(message, "X-Autorespond"))
        or message.get_content_type() == "multipart/report"
        or bool(_AUTOMATIC_SENDERS.match(from_address))
    )


def _recipients(message: EmailMessage) -> list[str]:
    values = []
    for header in RECIPIENT_HEADERS:
        values += [str(value) for value in message.get_all(header, [])]
    return [address for _name, address in getaddresses(values) if address]


def _content(part: MIMEPart | None) -> str:
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        decoded = part.get_payload(decode=True)
        content = decoded.decode("utf-8", errors="replace") if isinstance(decoded, bytes) else ""
    return content if isinstance(content, str) else ""


def _storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL characters (a broken client may send them)."""
    return text.replace("\x00", "")


def _first_id(value: str) -> str:
    ids = _MESSAGE_ID.findall(value)
    if ids:
        return ids[0]
    return value.strip().strip("<>")


def _stored_id(message_id: str) -> str:
    """Message-IDs are kept in their header form, with the angle brackets."""
    return f"<{message_id}>"[:MAX_ID_LENGTH] if message_id else ""


def _id_forms(message_id: str) -> list[str]:
    """A Message-ID as it may have been stored: with or without the angle brackets."""
    bare = message_id.strip().strip("<>")
    return [f"<{bare}>"[:MAX_ID_LENGTH], bare[:MAX_ID_LENGTH]]


def _safe_filename(filename: str, content_type: str) -> str:
    name = re.sub(r"[\x00-\x1f/\\]+", "_", filename).strip(" .")
    if not name:
        subtype = content_type.split("/")[-1] if "/" in content_type else "bin"
        name = f"attachment.{re.sub(r'[^A-Za-z0-9]+', '', subtype)[:10] or 'bin'}"
    return name[:200]
