"""Before the first staff text to a customer who never consented (checkout box, a text
to the shop), a team member confirms the customer agreed: who, when, how; recorded."""

from __future__ import annotations

import pytest

from comptoir.consent.models import ConsentRecord, ConsentSource, HowObtained
from comptoir.consent.rules import NEEDS_ATTESTATION, needs_attestation, text_refusal
from comptoir.errors import DomainError
from comptoir.messaging.models import Channel, Message
from comptoir.messaging.services import send_message
from comptoir.orders.services import Contact
from comptoir.team.permissions import Permission
from tests.consent.fixtures import MOBILE
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked


def attest_url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/text-consent/"


def test_the_first_staff_text_needs_the_attestation_then_it_is_recorded(
    messenger, customer, signed_in
):
    with pytest.raises(DomainError) as refused:
        send_message(actor=messenger, customer=customer, channel=Channel.SMS, body="Hello")
    assert needs_attestation(refused.value.refusal)
    assert refused.value.refusal.code == NEEDS_ATTESTATION
    assert "confirm that they agreed to receive texts" in str(refused.value.message)
    assert not Message.objects.exists()

    client = signed_in(messenger)
    page = client.get(attest_url(customer), {"next": "/dashboard/messages/"})
    assert page.status_code == 200
    assert MOBILE in page.content.decode()
    response = client.post(
        attest_url(customer),
        {"how_obtained": HowObtained.BY_PHONE, "detail": "", "next": "/dashboard/messages/"},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/messages/"

    record = ConsentRecord.objects.get(customer=customer)
    assert record.source == ConsentSource.STAFF_ATTESTATION
    assert record.staff == messenger and not record.by_customer
    assert record.how_obtained == HowObtained.BY_PHONE and record.address == MOBILE
    message = send_message(actor=messenger, customer=customer, channel=Channel.SMS, body="Hello")
    assert message.to_address == MOBILE


def test_other_needs_a_description(messenger, customer, signed_in):
    client = signed_in(messenger)
    response = client.post(attest_url(customer), {"how_obtained": HowObtained.OTHER})
    assert response.status_code == 400
    assert "Say how the customer gave their consent" in response.content.decode()
    assert not ConsentRecord.objects.exists()

    client.post(attest_url(customer), {"how_obtained": HowObtained.OTHER, "detail": "Signed card"})
    assert ConsentRecord.objects.get().how_obtained_detail == "Signed card"


def test_no_attestation_after_the_customer_texted_the_shop(messenger, customer, text_in):
    text_in("Is my order ready?")

    assert text_refusal(customer=customer, number=MOBILE, staff_initiated=True) is None
    send_message(actor=messenger, customer=customer, channel=Channel.SMS, body="Yes it is")


def test_no_attestation_after_the_checkout_box(messenger, customer):
    assert needs_attestation(text_refusal(customer=customer, number=MOBILE, staff_initiated=True))
    location = LocationFactory()
    checkout(
        location,
        [(stocked(location), 1)],
        fulfilment=PICKUP,
        contact=Contact(email=customer.email, first_name="Hélène", phone=MOBILE),
        sms_consent="Text me about this order",
    )

    assert text_refusal(customer=customer, number=MOBILE, staff_initiated=True) is None


def test_shop_texts_are_not_staff_initiated(customer):
    # Order updates and reminders (actor None) need no attestation; STOP still applies.
    assert text_refusal(customer=customer, number=MOBILE, staff_initiated=False) is None


def test_without_the_permission_the_dialog_is_refused_and_nothing_recorded(
    make_member, customer, signed_in, verified_business
):
    member = make_member(permissions=[Permission.VIEW_CUSTOMERS])
    client = signed_in(member)
    assert client.get(attest_url(customer)).status_code == 403
    assert client.post(attest_url(customer), {"how_obtained": "in_person"}).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_a_customer_without_mobile_cannot_be_attested(messenger, signed_in):
    customer = CustomerFactory(mobile="", phone="")
    client = signed_in(messenger)
    response = client.post(attest_url(customer), {"how_obtained": HowObtained.IN_PERSON})
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


def test_the_dialog_never_sends_the_member_to_another_site(messenger, customer, signed_in):
    response = signed_in(messenger).post(
        attest_url(customer),
        {"how_obtained": HowObtained.IN_PERSON, "next": "https://evil.example/phish"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/customers/{customer.pk}/"
