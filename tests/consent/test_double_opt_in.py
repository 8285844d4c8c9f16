"""Marketing texts need the customer's own double opt-in: a first request, a yes, a second
request, a second yes; each step's time and text stored; marketing refused before, with
the step reached in the reason."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.consent.models import (
    ConsentAction,
    ConsentRecord,
    ConsentSource,
    MarketingOptIn,
    Purpose,
    TextSubscription,
)
from comptoir.consent.services import request_marketing_opt_in
from comptoir.errors import DomainError
from comptoir.messaging.models import Channel, Direction, MessageKind
from comptoir.messaging.services import send_message
from tests.consent.fixtures import MOBILE, messages_of


def send_marketing(member, customer):
    return send_message(
        actor=member,
        customer=customer,
        channel=Channel.SMS,
        body="-20% this weekend",
        kind=MessageKind.MARKETING,
        is_marketing=True,
    )


def refusal(member, customer) -> str:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        send_marketing(member, customer)
    assert refused.value.code == "text_refused"
    return str(refused.value.message)


def outbound_bodies(customer) -> list[str]:
    return [m.body for m in messages_of(customer) if m.direction == Direction.OUTBOUND]


def test_the_full_double_opt_in_with_both_replies(messenger, customer, text_in, signed_in):
    assert "it was never asked" in refusal(messenger, customer)

    # From the profile: the request goes out, in the customer's language.
    response = signed_in(messenger).post(
        f"/dashboard/customers/{customer.pk}/text-consent/marketing/"
    )
    assert response.status_code == 302
    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.marketing_state == MarketingOptIn.FIRST_REQUEST_SENT
    (first,) = outbound_bodies(customer)
    assert "Salon Lumière would like to send you text messages. Reply YES" in first
    assert sub.first_request_text == first and sub.first_request_at is not None
    assert "the first request was sent on" in refusal(messenger, customer)

    text_in("Oui!", sid="SMfirstyes")
    sub.refresh_from_db()
    assert sub.marketing_state == MarketingOptIn.SECOND_REQUEST_SENT
    assert sub.first_reply_text == "Oui!" and sub.first_reply_at is not None
    second = outbound_bodies(customer)[-1]
    assert "Reply YES again to confirm you want offers and promotions" in second
    assert sub.second_request_text == second
    assert "not yet confirmed the second request" in refusal(messenger, customer)

    text_in(" y. ", sid="SMsecondyes")
    sub.refresh_from_db()
    assert sub.marketing_state == MarketingOptIn.CONFIRMED
    assert sub.confirmed_reply_text == " y. " and sub.confirmed_at is not None
    assert "Reply STOP to stop" in outbound_bodies(customer)[-1]

    message = send_marketing(messenger, customer)
    assert message.is_marketing

    grants = list(
        ConsentRecord.objects.filter(customer=customer, action=ConsentAction.GRANT).order_by("at")
    )
    assert [(g.purpose, g.source) for g in grants] == [
        (Purpose.TRANSACTIONAL, ConsentSource.TEXT_REPLY),
        (Purpose.MARKETING, ConsentSource.TEXT_REPLY),
    ]
    assert (grants[0].request_text, grants[0].reply_text, grants[0].provider_message_id) == (
        first,
        "Oui!",
        "SMfirstyes",
    )
    assert (grants[1].request_text, grants[1].reply_text, grants[1].provider_message_id) == (
        second,
        " y. ",
        "SMsecondyes",
    )
    assert all(g.by_customer for g in grants)


def test_the_request_is_in_the_customers_language(messenger, customer):
    customer.language = "fr"
    customer.save(update_fields=["language"])
    with translation.override("fr"):
        expected = translation.gettext(
            "%(shop)s would like to send you text messages. Reply YES to agree. Reply STOP to "
            "opt out."
        ) % {"shop": "Salon Lumière"}

    request_marketing_opt_in(actor=messenger, customer=customer)

    assert outbound_bodies(customer) == [expected]


def test_stop_during_the_opt_in_withdraws_it(messenger, customer, text_in):
    request_marketing_opt_in(actor=messenger, customer=customer)
    text_in("yes")
    text_in("STOP")

    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.marketing_state == MarketingOptIn.NONE and sub.opted_out_at is not None
    assert set(
        ConsentRecord.objects.filter(action=ConsentAction.WITHDRAW).values_list(
            "purpose", flat=True
        )
    ) == {Purpose.TRANSACTIONAL, Purpose.MARKETING}
    with pytest.raises(DomainError):
        request_marketing_opt_in(actor=messenger, customer=customer)


def test_a_member_without_the_permission_cannot_ask(make_member, customer, signed_in, shop):
    member = make_member(permissions=[])
    response = signed_in(member).post(f"/dashboard/customers/{customer.pk}/text-consent/marketing/")
    assert response.status_code == 403
    assert not TextSubscription.objects.exists() and not messages_of(customer)
