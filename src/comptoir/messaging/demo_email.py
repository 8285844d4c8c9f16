"""The demo's inbound emails, for ``comptoir seed-demo``: customers' replies that go
through the same path as real ones (raw RFC 5322 -> matching -> quotes stripped), so the
demo shows a short reply beside the full original. The lead's seed calls
``seed_demo_email_replies`` after the messaging and receipts demo."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.utils import timezone

from comptoir.customers.models import Customer
from comptoir.messaging.email_channel import reply_address
from comptoir.messaging.inbound_email import receive_email
from comptoir.messaging.models import Channel, Direction, Message, MessageKind
from comptoir.messaging.services import conversation_for
from comptoir.shop.selectors import get_shop

GMAIL_REPLY = (
    "Bonjour,\n\n"
    "Merci ! Est-ce que je peux passer la récupérer vers 17 h plutôt que 16 h ?\n\n"
    "Bonne journée,\n{first_name}\n\n"
    "Le lun. 30 nov. 2026 à 10:02, {shop} <{reply_to}> a écrit :\n\n"
    "> {quoted}\n"
)
IPHONE_RECEIPT_REPLY = (
    "Il manquait la baguette tradition dans le sac, pouvez-vous la garder pour demain ?\n\n"
    "Envoyé de mon iPhone\n\n"
    "> Le 30 nov. 2026 à 10:02, {shop} <{reply_to}> a écrit :\n"
    ">\n"
    "> {quoted}\n"
)


def seed_demo_email_replies(
    *, created: dict[str, int], report: Callable[[str], None] = print
) -> list[Message]:
    """A customer's reply to the shop's last email to them and a reply to an emailed
    receipt (linked to its order), each once: their fixed Message-IDs make a second run
    find them already recorded."""
    created.setdefault("email replies", 0)
    recorded: list[Message] = []
    receipt = (
        Message.objects.filter(
            direction=Direction.OUTBOUND, channel=Channel.EMAIL, kind=MessageKind.RECEIPT
        )
        .exclude(email_message_id="")
        .select_related("conversation__customer")
        .order_by("pk")
        .first()
    )
    if receipt is not None:
        recorded += _reply(
            receipt.conversation.customer, receipt, IPHONE_RECEIPT_REPLY, "receipt", created
        )
    else:
        report("Demo receipt reply not added: no receipt was emailed.")
    # The reply answers the shop's latest email to someone, else writes first.
    last_email = (
        Message.objects.filter(
            direction=Direction.OUTBOUND, channel=Channel.EMAIL, kind=MessageKind.STAFF
        )
        .exclude(email_message_id="")
        .select_related("conversation__customer")
        .order_by("-pk")
        .first()
    )
    customer = last_email.conversation.customer if last_email is not None else None
    if customer is None:
        customer = (
            Customer.objects.filter(erased_at__isnull=True)
            .exclude(email__isnull=True)
            .exclude(email="")
            .order_by("pk")
            .first()
        )
    if customer is not None and customer.email:
        recorded += _reply(customer, last_email, GMAIL_REPLY, "question", created)
    else:
        report("Demo email reply not added: no customer has an email address.")
    return recorded


def _reply(
    customer: Customer,
    answered: Message | None,
    template: str,
    key: str,
    created: dict[str, int],
) -> list[Message]:
    shop = get_shop()
    conversation = conversation_for(customer)
    to = reply_address(conversation)
    quoted = (answered.body if answered is not None else "Votre commande est prête.").replace(
        "\n", "\n> "
    )
    email = EmailMessage()
    email["From"] = formataddr((customer.full_name, customer.email or ""))
    email["To"] = formataddr((shop.name, to))
    email["Subject"] = f"Re: {answered.subject}" if answered and answered.subject else "Question"
    email["Date"] = format_datetime(timezone.now())
    message_id = f"<demo-{key}-{customer.pk}@demo.comptoir.invalid>"
    if Message.objects.filter(email_message_id=message_id).exists():
        return []
    email["Message-ID"] = message_id
    if answered is not None and answered.email_message_id:
        email["In-Reply-To"] = answered.email_message_id
        email["References"] = answered.email_message_id
    email.set_content(
        template.format(first_name=customer.first_name, shop=shop.name, reply_to=to, quoted=quoted)
    )
    message = receive_email(email.as_bytes(), envelope_recipients=[to])
    if message is None:
        return []
    created["email replies"] += 1
    return [message]
