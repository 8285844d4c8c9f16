"""Text consent in the customer's personal data: exported, erased (keeping only a keyed
hash of an opted-out number, so the opt-out holds when the number comes back), moved on
merge."""

from __future__ import annotations

import pytest

from comptoir.consent.models import (
    ConsentRecord,
    MarketingOptIn,
    SuppressedAddress,
    TextSubscription,
)
from comptoir.consent.rules import STOPPED, suppressed_since, text_refusal
from comptoir.consent.services import request_marketing_opt_in
from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.errors import DomainError
from comptoir.messaging.models import Channel
from comptoir.messaging.services import send_message
from comptoir.team.models import Access
from tests.consent.fixtures import MOBILE
from tests.factories import CustomerFactory


@pytest.fixture
def owner_member(make_member, shop):
    return make_member(access=Access.OWNER)


def test_the_export_holds_the_numbers_states_and_every_record(messenger, customer, text_in):
    request_marketing_opt_in(actor=messenger, customer=customer)
    text_in("yes", sid="SMyes")
    text_in("STOP", sid="SMstop")

    data = personal_data(customer)["text_consent"]

    (sub,) = data["subscriptions"]
    assert sub["number"] == MOBILE and sub["opted_out_at"]
    assert sub["first_request_text"].startswith("Salon Lumière would like")
    assert sub["first_reply_text"] == "yes"
    records = data["records"]
    assert [(r["purpose"], r["action"], r["reply_text"]) for r in records] == [
        ("transactional", "grant", "yes"),
        ("transactional", "withdraw", "STOP"),
        ("marketing", "withdraw", "STOP"),
    ]
    assert records[0]["provider_message_id"] == "SMyes"


def test_an_erased_customers_opt_out_still_holds_when_the_number_comes_back(
    owner_member, customer, text_in, verified_business
):
    text_in("Arrêt", sid="SMstop")

    erase_customer(actor=owner_member, customer_id=customer.pk, gateway=None)

    assert not TextSubscription.objects.exists() and not ConsentRecord.objects.exists()
    (suppressed,) = SuppressedAddress.objects.all()
    assert MOBILE not in suppressed.digest and "612345678" not in suppressed.digest
    # The number comes back on a new record: still nothing may be texted to it.
    newcomer = CustomerFactory(first_name="Paul", mobile=MOBILE)
    refusal = text_refusal(customer=newcomer, number=MOBILE, staff_initiated=False)
    assert refusal is not None and refusal.code == STOPPED
    with pytest.raises(DomainError):
        send_message(actor=owner_member, customer=newcomer, channel=Channel.SMS, body="Hi")
    # ...also once the newcomer texts something (the subscription row is created again).
    text_in("Hello?", sid="SMhello")
    assert TextSubscription.objects.get(number=MOBILE).opted_out_at is not None
    # Until they text START.
    text_in("START", sid="SMstart")
    assert text_refusal(customer=newcomer, number=MOBILE) is None
    assert not SuppressedAddress.objects.exists()


def test_erasing_a_customer_who_never_opted_out_suppresses_nothing(owner_member, customer, text_in):
    text_in("Hello", sid="SMhello")

    erase_customer(actor=owner_member, customer_id=customer.pk, gateway=None)

    assert not SuppressedAddress.objects.exists() and not TextSubscription.objects.exists()


def test_a_merge_moves_numbers_and_records_to_the_kept_record(
    owner_member, messenger, customer, text_in
):
    request_marketing_opt_in(actor=messenger, customer=customer)
    text_in("yes")
    kept = CustomerFactory(first_name="Hélène", last_name="Martin", email="helene@example.com")

    merge_customers(actor=owner_member, kept_id=kept.pk, merged_id=customer.pk)

    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.customer == kept and sub.marketing_state == MarketingOptIn.SECOND_REQUEST_SENT
    assert ConsentRecord.objects.filter(customer=kept).count() == 1


def test_an_address_that_withdrew_from_promotional_email_is_suppressed_on_erasure(owner_member):
    customer = CustomerFactory(email="Paul@Example.com", accepts_marketing=False)
    customer.marketing_consent_changes.create(accepts=True, source="checkout")
    customer.marketing_consent_changes.create(accepts=False, source="back_office")

    erase_customer(actor=owner_member, customer_id=customer.pk, gateway=None)

    assert suppressed_since("paul@example.com") is not None
    assert SuppressedAddress.objects.get().digest != "paul@example.com"
