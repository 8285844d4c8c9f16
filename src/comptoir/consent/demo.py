"""Demo text consent for ``comptoir seed-demo``: one customer in each state, reached
through the real paths (the attestation service, the opt-in request, inbound texts as
the webhook applies them): consent confirmed by the team, a marketing request waiting
for its first yes, one waiting for its second, a confirmed double opt-in, a STOP, a STOP
then START, and a sentence flagged as a possible opt-out. The texts go through the
development backend: no provider account needed. Safe to run again (a number that
already has its row is left alone).

The lead's seed calls ``seed_demo_text_consent(owner=..., created=..., report=...)``
after ``seed_demo_messages`` (which verifies the business identity the opt-in requests
need)."""

from __future__ import annotations

from collections.abc import Callable

from comptoir.consent.models import HowObtained, TextSubscription
from comptoir.consent.services import attest_text_consent, request_marketing_opt_in
from comptoir.errors import DomainError
from comptoir.messaging.services import customer_for_inbound
from comptoir.messaging.sms_inbound import receive_text
from comptoir.team.models import TeamMember

# (number, name, what happens: "attest", "ask", or texts the customer sends after a request)
DEMO_CONSENT: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("+33612340101", "Lucie Bernard", "attest", ()),
    ("+33612340102", "Hugo Petit", "ask", ()),
    ("+33612340103", "Chloé Robert", "ask", ("Oui",)),
    ("+33612340104", "Nathan Richard", "ask", ("OUI", "oui !")),
    ("+33612340105", "Manon Durand", "", ("STOP",)),
    ("+33612340106", "Louis Moreau", "", ("ARRÊT", "START")),
    ("+33612340107", "Emma Laurent", "", ("Merci d'arrêter de m'envoyer des promos svp",)),
]


def seed_demo_text_consent(
    *, owner: TeamMember, created: dict[str, int], report: Callable[[str], object] = print
) -> None:
    created.setdefault("consent", 0)
    for number, name, step, texts in DEMO_CONSENT:
        if TextSubscription.objects.filter(number=number).exists():
            continue
        customer = customer_for_inbound(phone=number, name=name)
        try:
            if step == "attest":
                attest_text_consent(
                    actor=owner, customer=customer, how_obtained=HowObtained.IN_PERSON
                )
            elif step == "ask":
                request_marketing_opt_in(actor=owner, customer=customer)
        except DomainError as error:
            report(f"Demo consent of {name} not added: {error}")
            continue
        for index, text in enumerate(texts):
            receive_text(
                provider_message_id=f"DEMO{number[1:]}{index}", from_number=number, body=text
            )
        created["consent"] += 1
