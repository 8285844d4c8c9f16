"""The demo's conversations, for ``comptoir seed-demo`` (the lead's seed calls
``seed_demo_messages(owner=..., created=..., report=...)`` before the other messaging
demos: it verifies the business, which they need).

Both channels, through the real services: a text from a number the shop does not know
(which creates its customer) answered by text, and an email exchange with the first
customer who has an email. Texts go through the development backend, so the demo needs
no provider account: they appear in the dashboard's text outbox once the worker runs."""

from __future__ import annotations

from collections.abc import Callable

from comptoir.customers.models import Customer
from comptoir.errors import DomainError
from comptoir.messaging import verification
from comptoir.messaging.models import Channel, Message
from comptoir.messaging.services import customer_for_inbound, record_inbound, send_message
from comptoir.shop.selectors import get_shop
from comptoir.team.models import TeamMember

DEMO_NUMBER = "+33612340099"
# A SIRET that python-stdnum accepts (La Poste's head office), for the demo only.
DEMO_IDENTITY = {
    "legal_name": "Comptoir Démo SAS",
    "registration_number": "35600000000048",
    "address": "12 rue des Lilas\n75011 Paris",
    "owner_name": "Camille Martin",
}


def seed_demo_messages(
    *, owner: TeamMember, created: dict[str, int], report: Callable[[str], None] = print
) -> None:
    """Verify the business identity (when not yet) and add the two demo conversations
    (each once: a customer who already has messages is left as is)."""
    created.setdefault("messages", 0)
    if not verification.is_verified():
        values = dict(DEMO_IDENTITY)
        if get_shop().country != "FR":
            values["registration_number"] = "DEMO-0001"
        try:
            verification.save_verification(actor=owner, values=values)
        except DomainError as error:
            report(f"Demo messages not added: the business identity was refused ({error}).")
            return
    texter = customer_for_inbound(phone=DEMO_NUMBER)
    if not Message.objects.filter(conversation__customer=texter).exists():
        record_inbound(
            customer=texter,
            channel=Channel.SMS,
            body="Bonjour, vous avez encore du pain sans gluten ce soir ?",
            from_address=DEMO_NUMBER,
        )
        send_message(
            actor=owner,
            customer=texter,
            channel=Channel.SMS,
            body="Bonjour ! Oui, il nous en reste deux, on vous les garde jusqu'à 19 h.",
        )
        record_inbound(
            customer=texter,
            channel=Channel.SMS,
            body="Parfait, merci, à tout à l'heure !",
            from_address=DEMO_NUMBER,
        )
        created["messages"] += 3
    writer = (
        Customer.objects.filter(erased_at__isnull=True)
        .exclude(email__isnull=True)
        .exclude(email="")
        .exclude(pk=texter.pk)
        .order_by("pk")
        .first()
    )
    if writer is None:
        report("Demo email conversation not added: no customer has an email.")
    elif not Message.objects.filter(conversation__customer=writer).exists():
        send_message(
            actor=owner,
            customer=writer,
            channel=Channel.EMAIL,
            subject="Votre commande de Noël",
            body=(
                "Bonjour,\n\nLes bûches de Noël se commandent jusqu'au 20 décembre. "
                "Voulez-vous que nous vous en réservions une ?\n\nBonne journée"
            ),
        )
        created["messages"] += 1
    report(
        "Demo messages: /dashboard/messages/ (texts 'sent' by the development backend at "
        "/dashboard/messages/texts-outbox/ once the worker runs)."
    )
