"""The demo's text consent: one customer in each state, through the real paths."""

from __future__ import annotations

from comptoir.consent.demo import seed_demo_text_consent
from comptoir.consent.models import ConsentRecord, MarketingOptIn, TextSubscription
from comptoir.messaging.models import Message
from comptoir.team.models import Access


def test_the_demo_seeds_each_state_once(make_member, verified_business, shop):
    owner = make_member(access=Access.OWNER)
    created: dict[str, int] = {}

    seed_demo_text_consent(owner=owner, created=created, report=print)
    seed_demo_text_consent(owner=owner, created=created, report=print)

    states = {
        sub.number: (sub.marketing_state, sub.opted_out_at is not None)
        for sub in TextSubscription.objects.all()
    }
    assert states == {
        "+33612340101": (MarketingOptIn.NONE, False),
        "+33612340102": (MarketingOptIn.FIRST_REQUEST_SENT, False),
        "+33612340103": (MarketingOptIn.SECOND_REQUEST_SENT, False),
        "+33612340104": (MarketingOptIn.CONFIRMED, False),
        "+33612340105": (MarketingOptIn.NONE, True),
        "+33612340106": (MarketingOptIn.NONE, False),
        "+33612340107": (MarketingOptIn.NONE, False),
    }
    assert created["consent"] == 7
    assert ConsentRecord.objects.filter(source="staff_attestation").count() == 1
    assert Message.objects.filter(possible_opt_out=True).count() == 1
