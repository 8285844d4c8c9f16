"""Saved cards: kept at the gateway, only reference, brand, last four and expiry here;
cards of another gateway account are unavailable, not deleted."""

import pytest

from comptoir.accounts.models import GatewayCustomer, SavedCard
from comptoir.accounts.selectors import usable_cards
from comptoir.accounts.services.cards import save_card
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCardToken

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
DECLINED = "4000000000000002"


def token(number=VISA, month=12, year=2030):
    return tokenize_test_card(number, month, year, "123")


def test_first_saved_card_becomes_primary_and_keeps_only_reference_brand_last4_expiry(
    make_shopper,
):
    customer = make_shopper()
    card = save_card(customer=customer, gateway=TestGateway(), card_token=token())
    card.refresh_from_db()
    assert card.is_primary
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 12, 2030)
    assert (card.gateway, card.gateway_account) == ("test", "test")
    assert card.reference.startswith("card_test_")
    assert (
        TestCardToken.objects.filter(token=card.reference).exclude(customer_reference="").exists()
    )


def test_second_card_reuses_the_gateway_customer_and_is_not_primary_unless_asked(make_shopper):
    customer = make_shopper()
    gateway = TestGateway()
    first = save_card(customer=customer, gateway=gateway, card_token=token())
    second = save_card(customer=customer, gateway=gateway, card_token=token(MASTERCARD))
    assert not second.is_primary
    assert GatewayCustomer.objects.filter(customer=customer).count() == 1
    third = save_card(customer=customer, gateway=gateway, card_token=token(), make_primary=True)
    assert list(SavedCard.objects.filter(customer=customer, is_primary=True)) == [third]
    assert list(usable_cards(customer, gateway)) == [third, first, second]


def test_declined_card_is_not_saved(make_shopper):
    customer = make_shopper()
    with pytest.raises(PaymentFailed):
        save_card(customer=customer, gateway=TestGateway(), card_token=token(DECLINED))
    assert not SavedCard.objects.filter(customer=customer).exists()


def test_cards_of_another_gateway_account_are_not_usable(make_shopper):
    customer = make_shopper()
    SavedCard.objects.create(
        customer=customer,
        gateway="stripe",
        gateway_account="acct_old",
        reference="pm_old",
        brand="visa",
        last4="1111",
        exp_month=1,
        exp_year=2031,
        is_primary=True,
    )
    new = save_card(customer=customer, gateway=TestGateway(), card_token=token())
    assert new.is_primary  # the primary one could not be used with this gateway
    assert list(usable_cards(customer, TestGateway())) == [new]
    assert SavedCard.objects.filter(customer=customer).count() == 2
