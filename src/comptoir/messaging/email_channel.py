"""Messages by email: the conversation's reply-to address, Message-ID threading, and the
email a queued message becomes (text + HTML in the shop's brand, see mail.rendering).

Each conversation has an unguessable token; its reply-to address is
``reply+<token>@<COMPTOIR_REPLY_DOMAIN>`` (by default the domain of the shop's contact
email, else of DEFAULT_FROM_EMAIL), so a reply finds its conversation (M2 matches it)."""

from __future__ import annotations

from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from comptoir.mail.rendering import render_email
from comptoir.messaging.models import Channel, Conversation, Direction, Message
from comptoir.shop.selectors import get_shop

TEMPLATE = "customer_message"


def reply_domain() -> str:
    configured = getattr(settings, "COMPTOIR_REPLY_DOMAIN", "") or ""
    if configured:
        return configured.strip().lstrip("@").lower()
    for address in (get_shop().contact_email, settings.DEFAULT_FROM_EMAIL):
        if address and "@" in address:
            return address.rsplit("@", 1)[1].strip(" >").lower()
    return "localhost"


def reply_address(conversation: Conversation) -> str:
    return f"reply+{conversation.reply_token}@{reply_domain()}"


def new_message_id() -> str:
    return make_msgid(domain=reply_domain())


def last_inbound_email(conversation_id: int) -> Message | None:
    return (
        Message.objects.filter(
            conversation_id=conversation_id,
            direction=Direction.INBOUND,
            channel=Channel.EMAIL,
        )
        .exclude(email_message_id="")
        .order_by("-created_at", "-id")
        .first()
    )


def references(in_reply_to: str) -> str:
    """The References header of a reply to the email ``in_reply_to``: that email's own
    parent, then it."""
    parent = (
        Message.objects.filter(email_message_id=in_reply_to)
        .values_list("in_reply_to", flat=True)
        .first()
    )
    return " ".join(part for part in (parent, in_reply_to) if part)


def reply_subject(subject: str) -> str:
    subject = subject.strip()
    if not subject:
        return ""
    return subject if subject.lower().startswith(("re:", "re :")) else f"Re: {subject}"


def build_email(message: Message) -> EmailMultiAlternatives:
    """The email ``message`` (an outbound email row) is sent as."""
    conversation = message.conversation
    customer = conversation.customer
    shop = get_shop()
    language = customer.language or shop.published_language
    rendered = render_email(
        TEMPLATE, {"subject": message.subject, "body": message.body}, language=language
    )
    headers = {"Message-ID": message.email_message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = references(message.in_reply_to)
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=formataddr((shop.name, settings.DEFAULT_FROM_EMAIL)),
        to=[message.to_address],
        reply_to=[reply_address(conversation)],
        headers=headers,
    )
    email.attach_alternative(rendered.html, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type or None)
    return email
