"""Helpers of the inbound email tests: the reply fixtures addressed to a conversation."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from comptoir.messaging.models import (
    Channel,
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)

REPLY_DOMAIN = "mail.boulangerie.test"
FIXTURES = Path(__file__).parent / "fixtures" / "replies"
REPLY_FIXTURES = sorted(path.stem for path in FIXTURES.glob("*.eml"))
# The Message-ID the fixtures answer (In-Reply-To / References).
FIXTURE_PARENT_ID = "<outbound-1@mail.boulangerie.test>"


def fixture_reply(name: str, *, token: str) -> bytes:
    """The fixture ``name`` as its client sent it, answering the conversation ``token``."""
    return (FIXTURES / f"{name}.eml").read_bytes().replace(b"TOKEN", token.encode())


def expected_body(name: str) -> str:
    return (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8").strip()


def sent_email(
    conversation: Conversation, *, message_id: str = FIXTURE_PARENT_ID, order=None
) -> Message:
    """An email the shop sent in ``conversation`` (as messaging.services leaves it once sent)."""
    return Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        kind=MessageKind.RECEIPT if order is not None else MessageKind.STAFF,
        status=MessageStatus.SENT,
        body="Votre commande est prête.",
        subject="Votre commande",
        to_address=conversation.customer.email or "",
        email_message_id=message_id,
        order=order,
    )


def customer_email(
    *,
    sender: str,
    to: str,
    body: str = "Bonjour, est-ce ouvert dimanche ?",
    subject: str = "Question",
    in_reply_to: str = "",
    references: str = "",
    message_id: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    html: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="customer.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
