"""The built-in test gateway: deterministic test cards, tokens that keep no card
number or security code, idempotent charges, wallets, refunds and saved cards."""

from __future__ import annotations

import logging
import re

import pytest
from django.utils import timezone, translation

from comptoir.errors import Conflict, NotFound
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.gateways.testing import InvalidTestCard, TestGateway, tokenize_test_card
from comptoir.payments.models import TestCardToken, TestCharge, TestRefund

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1


def token_for(number: str, cvc: str = "123") -> str:
    return tokenize_test_card(number, 11, NEXT_YEAR, cvc)


def pay(token: str, *, amount: int = 1250, key: str = "order-1", customer=None):
    return TestGateway().charge(
        amount=amount,
        currency="EUR",
        card_token=token,
        idempotency_key=key,
        customer_reference=customer,
    )


@pytest.mark.parametrize(
    ("number", "brand", "last4"),
    [("4242424242424242", "visa", "4242"), ("5555 5555 5555 4444", "mastercard", "4444")],
)
def test_approving_test_cards_are_charged_with_brand_and_last_four(number, brand, last4):
    result = pay(token_for(number))

    assert result.gateway == "test" and result.account == "test"
    assert result.method == "card"
    assert (result.amount, result.currency) == (1250, "EUR")
    assert (result.card.brand, result.card.last4) == (brand, last4)
    assert (result.card.exp_month, result.card.exp_year) == (11, NEXT_YEAR)
    charge = TestCharge.objects.get()
    assert (charge.reference, charge.amount, charge.refunded_amount) == (result.reference, 1250, 0)


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("4000000000000002", "declined", "Your bank declined this card."),
        ("4000000000009995", "insufficient_funds", "insufficient funds"),
        ("4000000000000119", "gateway_unreachable", "could not be reached"),
    ],
)
def test_refusing_test_cards_fail_with_their_code_and_take_nothing(number, code, message):
    token = token_for(number)

    with translation.override("en"), pytest.raises(PaymentFailed) as failed:
        pay(token)

    assert failed.value.code == code
    assert failed.value.status == 402
    with translation.override("en"):
        assert message in str(failed.value.message)
    assert not TestCharge.objects.exists()


def test_token_and_logs_never_hold_the_card_number_or_security_code(caplog):
    caplog.set_level(logging.DEBUG)

    token = tokenize_test_card("4242 4242 4242 4242", "11", str(NEXT_YEAR), "987")
    pay(token)

    assert re.fullmatch(r"tok_test_[0-9a-f]{24}", token)  # random, derived from nothing
    row = TestCardToken.objects.values().get()
    assert (row["brand"], row["last4"]) == ("visa", "4242")
    stored = " ".join(str(value) for name, value in row.items() if name != "token")
    assert "4242424242424242" not in stored and "987" not in stored
    charge = " ".join(str(value) for value in TestCharge.objects.values().get().values())
    assert "4242424242424242" not in charge
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "4242424242424242" not in logged and "4242 4242 4242 4242" not in logged
    assert "987" not in logged


@pytest.mark.parametrize(
    ("number", "month", "year", "cvc", "field", "message"),
    [
        ("4242424242424241", 11, NEXT_YEAR, "123", "number", "not valid"),
        ("4242-4242", 11, NEXT_YEAR, "123", "number", "not valid"),
        ("4111111111111111", 11, NEXT_YEAR, "123", "number", "4242 4242 4242 4242"),
        ("4242424242424242", 1, 2020, "123", "expiry", "expired"),
        ("4242424242424242", 13, NEXT_YEAR, "123", "expiry", "expiry month"),
        ("4242424242424242", 11, NEXT_YEAR, "12", "cvc", "3 or 4 digits"),
        ("4242424242424242", 11, NEXT_YEAR, "12a", "cvc", "3 or 4 digits"),
    ],
)
def test_invalid_card_details_are_refused_field_by_field(number, month, year, cvc, field, message):
    with translation.override("en"), pytest.raises(InvalidTestCard) as refused:
        tokenize_test_card(number, month, year, cvc)

    assert refused.value.code == "invalid_card"
    assert list(refused.value.errors) == [field]
    with translation.override("en"):
        assert message in str(refused.value.errors[field])
    assert not TestCardToken.objects.exists()


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidTestCard) as refused:
        tokenize_test_card("1234", "0", "1999", "")

    assert set(refused.value.errors) == {"number", "expiry", "cvc"}


def test_card_expiring_this_month_is_still_accepted():
    today = timezone.now()

    token = tokenize_test_card("4242424242424242", today.month, today.year % 100, "1234")

    assert TestCardToken.objects.get(token=token).exp_year == today.year


def test_same_idempotency_key_charges_once_and_answers_the_same():
    token = token_for("4242424242424242")

    first = pay(token, key="checkout-abc")
    again = pay(token, key="checkout-abc")

    assert again == first
    assert TestCharge.objects.count() == 1
    assert pay(token, key="checkout-other").reference != first.reference


def test_reusing_a_key_for_another_amount_is_a_conflict():
    token = token_for("4242424242424242")
    pay(token, key="checkout-abc", amount=1000)

    with pytest.raises(Conflict):
        pay(token, key="checkout-abc", amount=2000)

    assert TestCharge.objects.get().amount == 1000


def test_unknown_token_is_unavailable():
    with pytest.raises(PaymentFailed) as failed:
        pay("tok_test_doesnotexist")

    assert failed.value.code == "card_unavailable"


def test_wallet_ok_pays_as_a_wallet_without_card_details():
    result = TestGateway().charge_wallet(
        amount=800, currency="EUR", wallet_token="wallet_ok", idempotency_key="w-1"
    )

    assert result.method == "wallet" and result.card is None
    assert TestCharge.objects.get().method == "wallet"
    again = TestGateway().charge_wallet(
        amount=800, currency="EUR", wallet_token="wallet_ok", idempotency_key="w-1"
    )
    assert again == result and TestCharge.objects.count() == 1


def test_wallet_declined_takes_nothing():
    with pytest.raises(PaymentFailed) as failed:
        TestGateway().charge_wallet(
            amount=800, currency="EUR", wallet_token="wallet_declined", idempotency_key="w-1"
        )

    assert failed.value.code == "declined"
    assert not TestCharge.objects.exists()


def test_refunds_add_up_to_the_charge_and_no_further():
    gateway = TestGateway()
    charge = pay(token_for("4242424242424242"), amount=1000)

    first = gateway.refund(reference=charge.reference, amount=400, idempotency_key="r-1")
    replay = gateway.refund(reference=charge.reference, amount=400, idempotency_key="r-1")
    gateway.refund(reference=charge.reference, amount=600, idempotency_key="r-2")
    with pytest.raises(Conflict):
        gateway.refund(reference=charge.reference, amount=1, idempotency_key="r-3")

    assert replay == first and first.startswith("re_test_")
    assert TestCharge.objects.get().refunded_amount == 1000
    assert TestRefund.objects.count() == 2


def test_refund_of_an_unknown_payment_is_not_found():
    with pytest.raises(NotFound):
        TestGateway().refund(reference="ch_test_nope", amount=100, idempotency_key="r-1")


def test_saved_card_is_charged_for_its_customer_only_until_deleted():
    gateway = TestGateway()
    card, customer = gateway.save_card(
        card_token=token_for("5555555555554444"), customer_reference=None
    )

    assert re.fullmatch(r"card_test_[0-9a-f]{24}", card.token)
    assert re.fullmatch(r"cus_test_[0-9a-f]{24}", customer)
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == (
        "mastercard",
        "4444",
        11,
        NEXT_YEAR,
    )
    assert pay(card.token, key="k1", customer=customer).card.last4 == "4444"
    with pytest.raises(PaymentFailed) as stranger:
        pay(card.token, key="k2", customer="cus_test_someoneelse")
    assert stranger.value.code == "card_unavailable"

    gateway.delete_card(card_token=card.token)
    gateway.delete_card(card_token=card.token)  # already gone: still fine

    with pytest.raises(PaymentFailed) as deleted:
        pay(card.token, key="k3", customer=customer)
    assert deleted.value.code == "card_unavailable"
    assert TestCharge.objects.count() == 1


def test_second_saved_card_keeps_the_customer():
    gateway = TestGateway()
    _, customer = gateway.save_card(
        card_token=token_for("4242424242424242"), customer_reference=None
    )

    card, same = gateway.save_card(
        card_token=token_for("5555555555554444"), customer_reference=customer
    )

    assert same == customer
    assert TestCardToken.objects.filter(customer_reference=customer).count() == 2
    assert card.token != token_for("5555555555554444")


def test_a_declined_card_cannot_be_saved():
    with pytest.raises(PaymentFailed) as failed:
        TestGateway().save_card(card_token=token_for("4000000000000002"), customer_reference=None)

    assert failed.value.code == "declined"
    assert not TestCardToken.objects.exclude(customer_reference="").exists()


def test_a_saved_card_token_cannot_be_saved_again():
    gateway = TestGateway()
    card, customer = gateway.save_card(
        card_token=token_for("4242424242424242"), customer_reference=None
    )

    with pytest.raises(PaymentFailed) as failed:
        gateway.save_card(card_token=card.token, customer_reference=customer)

    assert failed.value.code == "card_unavailable"
