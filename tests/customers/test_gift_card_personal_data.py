"""The customer's JSON export, erasure and merge cover the gift cards they bought or were
sent (issue 5 adds gift cards; issue 4's personal-data rules extend to them)."""

from __future__ import annotations

import pytest

from comptoir.customers.personal_data import personal_data
from comptoir.customers.services.erasure import erase_customer
from comptoir.customers.services.merging import merge_customers
from comptoir.giftcards import services as gift_cards
from comptoir.giftcards.models import GiftCard
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def bought(customer, recipient_email="lou@example.com", key="k1") -> GiftCard:
    return gift_cards.issue_digital(
        amount=2500,
        idempotency_key=key,
        recipient_name="Lou Martin",
        recipient_email=recipient_email,
        sender_name="Camille Zq7",
        message="Bon anniversaire Zq7",
        customer=customer,
    ).card


def test_the_export_holds_the_cards_bought_and_received(owner):
    buyer = CustomerFactory(email="camille@example.com")
    recipient = CustomerFactory(email="lou@example.com")
    card = bought(buyer)

    assert [c["code"] for c in personal_data(buyer)["gift_cards"]] == [card.display_code]
    assert [c["code"] for c in personal_data(recipient)["gift_cards"]] == [card.display_code]


def test_erasing_the_buyer_blanks_the_cards_personal_text_and_keeps_the_money(owner):
    buyer = CustomerFactory(email="camille@example.com")
    card = bought(buyer)

    erase_customer(actor=owner, customer_id=buyer.pk, gateway=None)

    card.refresh_from_db()
    assert (card.recipient_name, card.recipient_email, card.sender_name, card.message) == (
        "",
        "",
        "",
        "",
    )
    assert card.balance == 2500


def test_merging_gives_the_merged_records_cards_to_the_kept_one(owner):
    kept = CustomerFactory(email="camille@example.com")
    merged = CustomerFactory(email=None, phone="+33612345678")
    card = bought(merged)

    merge_customers(actor=owner, kept_id=kept.pk, merged_id=merged.pk)

    card.refresh_from_db()
    assert card.customer_id == kept.pk
