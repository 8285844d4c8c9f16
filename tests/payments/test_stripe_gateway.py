"""The Stripe gateway, through the real ``stripe`` client, against a loopback stand-in
of the Stripe endpoints it calls (tests/payments/stripe_standin.py)."""

from __future__ import annotations

import logging
import socket

import pytest
from django.utils import translation

from comptoir.errors import Conflict
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.gateways.stripe_gateway import StripeGateway
from tests.payments.conftest import SECRET_KEY
from tests.payments.stripe_standin import ACCOUNT_ID

# None of these touch the database: the Stripe gateway keeps nothing of its own.


def gateway() -> StripeGateway:
    return StripeGateway.from_settings()


def pay(card_token: str, *, key: str = "order-1", amount: int = 1250, customer=None):
    return gateway().charge(
        amount=amount,
        currency="EUR",
        card_token=card_token,
        idempotency_key=key,
        customer_reference=customer,
    )


def test_charge_confirms_a_payment_intent_with_the_key_and_idempotency_key(stripe_standin):
    result = pay("pm_card_visa", key="checkout-7f3a")

    (sent,) = stripe_standin.calls("POST", "/v1/payment_intents")
    assert sent.params["amount"] == "1250"
    assert sent.params["currency"] == "eur"
    assert sent.params["confirm"] == "true"
    assert sent.params["payment_method"] == "pm_card_visa"
    assert sent.params["expand[0]"] == "payment_method"
    assert "customer" not in sent.params
    assert sent.headers["idempotency-key"] == "checkout-7f3a"
    assert sent.headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert result.gateway == "stripe"
    assert result.account == ACCOUNT_ID
    assert result.reference.startswith("pi_") and result.reference in stripe_standin.intents
    assert (result.amount, result.currency, result.method) == (1250, "EUR", "card")
    card = result.card
    assert (card.token, card.brand, card.last4, card.exp_month, card.exp_year) == (
        "pm_card_visa",
        "visa",
        "4242",
        12,
        2034,
    )


def test_retried_charge_with_the_same_key_is_one_payment(stripe_standin):
    first = pay("pm_card_visa", key="checkout-1")
    again = pay("pm_card_visa", key="checkout-1")

    assert again == first
    assert len(stripe_standin.intents) == 1


def test_charge_of_a_saved_card_names_its_customer(stripe_standin):
    card, customer = gateway().save_card(card_token="pm_card_mastercard", customer_reference=None)

    result = pay(card.token, customer=customer)

    assert stripe_standin.calls("POST", "/v1/payment_intents")[0].params["customer"] == customer
    assert result.card.last4 == "4444"


@pytest.mark.parametrize(
    ("payment_method", "code", "message"),
    [
        ("pm_card_chargeDeclined", "declined", "Your bank declined this card."),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "insufficient funds"),
        ("pm_card_chargeDeclinedExpiredCard", "invalid_card", "This card has expired."),
        ("pm_card_authenticationRequired", "declined", "extra confirmation"),
        ("pm_from_another_account", "card_unavailable", "not available"),
    ],
)
def test_stripe_refusals_become_shopper_messages(stripe_standin, payment_method, code, message):
    with pytest.raises(PaymentFailed) as failed:
        pay(payment_method)

    assert failed.value.code == code
    with translation.override("en"):
        assert message in str(failed.value.message)


def test_unreachable_stripe_is_gateway_unreachable(stripe_standin):
    assert gateway().account == ACCOUNT_ID  # read while Stripe answered
    stripe_standin.stop()

    with pytest.raises(PaymentFailed) as failed:
        StripeGateway(secret_key=SECRET_KEY, api_base=stripe_standin.url, network_retries=0).charge(
            amount=500, currency="EUR", card_token="pm_card_visa", idempotency_key="k"
        )

    assert failed.value.code == "gateway_unreachable"


def test_nothing_listening_at_all_is_gateway_unreachable(settings):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing answers
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"

    with pytest.raises(PaymentFailed) as failed:
        pay("pm_card_visa")  # the configured retries included

    assert failed.value.code == "gateway_unreachable"


def test_account_is_read_once_from_the_account_endpoint(stripe_standin):
    assert gateway().account == ACCOUNT_ID
    pay("pm_card_visa", key="a")
    pay("pm_card_visa", key="b")

    (read,) = stripe_standin.calls("GET", "/v1/account")
    assert read.headers["authorization"] == f"Bearer {SECRET_KEY}"


def test_wallet_payment_has_no_card_details(stripe_standin):
    result = gateway().charge_wallet(
        amount=900, currency="EUR", wallet_token="pm_wallet_applepay", idempotency_key="w-1"
    )

    assert result.method == "wallet" and result.card is None
    sent = stripe_standin.calls("POST", "/v1/payment_intents")[0]
    assert sent.params["payment_method"] == "pm_wallet_applepay"
    assert sent.headers["idempotency-key"] == "w-1"


def test_refund_creates_a_stripe_refund_once_per_key(stripe_standin):
    charge = pay("pm_card_visa", amount=1000)

    refund = gateway().refund(reference=charge.reference, amount=300, idempotency_key="r-1")
    again = gateway().refund(reference=charge.reference, amount=300, idempotency_key="r-1")

    assert refund.startswith("re_") and again == refund
    sent = stripe_standin.calls("POST", "/v1/refunds")[0]
    assert sent.params == {"payment_intent": charge.reference, "amount": "300"}
    assert sent.headers["idempotency-key"] == "r-1"
    assert stripe_standin.refunded[charge.reference] == 300


def test_refund_beyond_the_payment_is_a_conflict(stripe_standin):
    charge = pay("pm_card_visa", amount=1000)

    with pytest.raises(Conflict):
        gateway().refund(reference=charge.reference, amount=1001, idempotency_key="r-1")

    assert charge.reference not in stripe_standin.refunded


def test_save_card_makes_a_customer_and_attaches_the_payment_method(stripe_standin):
    card, customer = gateway().save_card(card_token="pm_card_visa", customer_reference=None)

    assert customer.startswith("cus_")
    (attach,) = stripe_standin.calls("POST", "/v1/payment_methods/pm_card_visa/attach")
    assert attach.params == {"customer": customer}
    assert stripe_standin.payment_methods["pm_card_visa"]["customer"] == customer
    assert (card.token, card.brand, card.last4) == ("pm_card_visa", "visa", "4242")


def test_save_card_for_a_known_customer_makes_no_new_customer(stripe_standin):
    _, customer = gateway().save_card(card_token="pm_card_visa", customer_reference=None)

    _, same = gateway().save_card(card_token="pm_card_mastercard", customer_reference=customer)

    assert same == customer
    assert len(stripe_standin.calls("POST", "/v1/customers")) == 1


def test_delete_card_detaches_it_and_tolerates_a_second_delete(stripe_standin):
    card, _ = gateway().save_card(card_token="pm_card_visa", customer_reference=None)

    gateway().delete_card(card_token=card.token)
    gateway().delete_card(card_token=card.token)

    assert len(stripe_standin.calls("POST", "/v1/payment_methods/pm_card_visa/detach")) == 2
    assert stripe_standin.payment_methods["pm_card_visa"]["customer"] is None


def test_card_refusals_are_logged_without_card_data(stripe_standin, caplog):
    caplog.set_level(logging.DEBUG)

    with pytest.raises(PaymentFailed):
        pay("pm_card_chargeDeclined")

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("comptoir")]
    assert any("CardError code=card_declined" in message for message in ours)
    assert not any("pm_card" in message or "0002" in message for message in ours)
