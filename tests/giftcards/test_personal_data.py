"""What the customer export, erasure and merge get from the gift-card app."""

import pytest

from comptoir.giftcards import personal_data, services
from comptoir.giftcards.models import GiftCard, GiftCardActivity
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def bought(customer, recipient_email="lou@example.com", key="k1"):
    return services.issue_digital(
        amount=2500,
        idempotency_key=key,
        recipient_name="Lou Martin",
        recipient_email=recipient_email,
        sender_name="Camille",
        message="For you",
        customer=customer,
    ).card


def test_export_lists_cards_bought_by_or_sent_to_the_customer_with_their_ledgers():
    buyer = CustomerFactory(email="camille@example.com")
    recipient = CustomerFactory(email="lou@example.com")
    card = bought(buyer)
    services.redeem(card=card, amount=500, idempotency_key="spend")
    unrelated = bought(CustomerFactory(), recipient_email="x@example.com", key="k2")

    exported = personal_data.gift_cards_of(buyer)
    assert [c["code"] for c in exported] == [card.display_code]
    row = exported[0]
    assert row["recipient_name"] == "Lou Martin" and row["message"] == "For you"
    assert row["bought_by_or_held_by_this_customer"] is True
    assert [(a["kind"], a["amount"], a["balance_after"]) for a in row["activities"]] == [
        ("activate", 2500, 2500),
        ("redeem", 500, 2000),
    ]
    received = personal_data.gift_cards_of(recipient)
    assert [c["code"] for c in received] == [card.display_code]
    assert received[0]["bought_by_or_held_by_this_customer"] is False
    assert unrelated.display_code not in {c["code"] for c in exported + received}


def test_erasure_blanks_recipient_details_and_keeps_the_money():
    buyer = CustomerFactory(email="camille@example.com")
    card = bought(buyer)
    other = bought(CustomerFactory(), recipient_email="someone@example.com", key="k2")

    assert personal_data.erase_for(buyer) == 1

    card.refresh_from_db()
    assert (card.recipient_name, card.recipient_email, card.sender_name, card.message) == (
        "",
        "",
        "",
        "",
    )
    assert card.balance == 2500 and card.code
    assert GiftCardActivity.objects.filter(card=card).count() == 1
    other.refresh_from_db()
    assert other.recipient_email == "someone@example.com"


def test_erasure_finds_cards_sent_to_the_customer_email():
    recipient = CustomerFactory(email="Lou@Example.com")
    card = bought(CustomerFactory())
    personal_data.erase_for(recipient)
    card.refresh_from_db()
    assert card.recipient_email == "" and card.balance == 2500


def test_merge_moves_the_cards_to_the_kept_record():
    kept, merged = CustomerFactory(), CustomerFactory()
    card = bought(merged)
    assert personal_data.move_to(kept, merged) == 1
    assert GiftCard.objects.get(pk=card.pk).customer == kept
    assert not GiftCard.objects.filter(customer=merged).exists()
