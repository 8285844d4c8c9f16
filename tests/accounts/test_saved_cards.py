"""Saved cards: kept at the gateway, only reference, brand, last four and expiry here;
cards of another gateway account are unavailable, not deleted."""

import pytest
from django.urls import reverse

from comptoir.accounts.models import GatewayCustomer, SavedCard
from comptoir.accounts.selectors import usable_cards
from comptoir.accounts.services.cards import save_card
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCardToken
from comptoir.shop.selectors import get_shop
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import ShopperFactory
from tests.payments.stripe_standin import ACCOUNT_ID as STANDIN_ACCOUNT
from tests.payments.stripe_standin import StripeStandIn

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


# --- the account's cards page ------------------------------------------------------


def saved(customer, *, gateway="test", account="test", last4="4242", primary=False):
    return SavedCard.objects.create(
        customer=customer,
        gateway=gateway,
        gateway_account=account,
        reference=f"ref_{gateway}_{last4}_{customer.pk}",
        brand="visa",
        last4=last4,
        exp_month=12,
        exp_year=2031,
        is_primary=primary,
    )


def test_cards_page_lists_brand_last_four_expiry_and_primary(make_shopper, shopper_client):
    shopper = make_shopper()
    save_card(customer=shopper, gateway=TestGateway(), card_token=token())

    page = shopper_client(shopper).get(reverse("storefront:account_cards")).content.decode()

    assert "Visa ending in 4242" in page
    assert "Expires 12/2030" in page
    assert "Primary" in page


def test_add_card_page_has_card_inputs_without_names_and_a_token_field(
    make_shopper, shopper_client
):
    shopper = make_shopper()

    page = shopper_client(shopper).get(reverse("storefront:account_cards")).content.decode()

    assert "data-card-form" in page
    assert 'name="card_token"' in page
    assert 'data-card="number"' in page
    assert 'name="number"' not in page and 'name="cvc"' not in page


def test_adding_a_card_with_a_gateway_token_saves_it_at_the_gateway(make_shopper, shopper_client):
    shopper = make_shopper()
    client = shopper_client(shopper)

    response = client.post(
        reverse("storefront:account_cards"), {"card_token": token(MASTERCARD)}, follow=True
    )

    card = SavedCard.objects.get(customer=shopper)
    assert (card.brand, card.last4, card.is_primary) == ("mastercard", "4444", True)
    assert TestCardToken.objects.get(token=card.reference).customer_reference
    assert "Mastercard card ending in 4444 is saved" in response.content.decode()


def test_a_declined_card_is_not_saved_and_the_page_says_why(make_shopper, shopper_client):
    shopper = make_shopper()

    response = shopper_client(shopper).post(
        reverse("storefront:account_cards"), {"card_token": token(DECLINED)}
    )

    assert response.status_code == 400
    assert "declined" in response.content.decode().lower()
    assert not SavedCard.objects.filter(customer=shopper).exists()


def test_no_card_typed_is_refused(make_shopper, shopper_client):
    shopper = make_shopper()

    response = shopper_client(shopper).post(reverse("storefront:account_cards"), {})

    assert response.status_code == 400
    assert "Enter your card details." in response.content.decode()


def test_choosing_the_primary_card(make_shopper, shopper_client):
    shopper = make_shopper()
    first = save_card(customer=shopper, gateway=TestGateway(), card_token=token())
    second = save_card(customer=shopper, gateway=TestGateway(), card_token=token(MASTERCARD))

    shopper_client(shopper).post(reverse("storefront:account_card_primary", args=[second.pk]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_deleting_a_card_deletes_it_at_the_gateway_too(make_shopper, shopper_client):
    shopper = make_shopper()
    first = save_card(customer=shopper, gateway=TestGateway(), card_token=token())
    second = save_card(customer=shopper, gateway=TestGateway(), card_token=token(MASTERCARD))

    shopper_client(shopper).post(reverse("storefront:account_card_delete", args=[first.pk]))

    assert list(SavedCard.objects.filter(customer=shopper)) == [second]
    assert not TestCardToken.objects.filter(token=first.reference).exists()
    second.refresh_from_db()
    assert second.is_primary  # the remaining card took over
    with pytest.raises(PaymentFailed):  # the gateway no longer charges it
        TestGateway().charge(
            amount=100,
            currency="EUR",
            card_token=first.reference,
            idempotency_key="after-delete",
            customer_reference=TestCardToken.objects.get(token=second.reference).customer_reference,
        )


def test_a_card_of_another_gateway_account_shows_unavailable_and_cannot_be_made_primary(
    make_shopper, shopper_client
):
    shopper = make_shopper()
    usable = save_card(customer=shopper, gateway=TestGateway(), card_token=token())
    old = saved(shopper, gateway="stripe", account="acct_previous", last4="1111")
    client = shopper_client(shopper)

    page = client.get(reverse("storefront:account_cards")).content.decode()
    client.post(reverse("storefront:account_card_primary", args=[old.pk]))

    assert "Unavailable" in page
    assert reverse("storefront:account_card_primary", args=[old.pk]) not in page
    old.refresh_from_db()
    usable.refresh_from_db()
    assert not old.is_primary and usable.is_primary
    assert list(usable_cards(shopper, TestGateway())) == [usable]


def test_reconnecting_the_same_account_makes_its_cards_usable_again(make_shopper, shopper_client):
    shopper = make_shopper()
    card = save_card(customer=shopper, gateway=TestGateway(), card_token=token())
    client = shopper_client(shopper)
    shop = get_shop()

    class OtherAccount(TestGateway):
        account = "test-other"

    assert list(usable_cards(shopper, OtherAccount())) == []
    assert SavedCard.objects.filter(pk=card.pk).exists()  # kept, not deleted
    shop.payment_gateway = "test"
    shop.save(update_fields=["payment_gateway"])
    assert list(usable_cards(shopper, TestGateway())) == [card]
    assert "Unavailable" not in client.get(reverse("storefront:account_cards")).content.decode()


def test_cards_page_shows_the_cards_but_adds_none_while_the_gateway_is_not_configured(
    make_shopper, shopper_client, settings
):
    shopper = make_shopper()
    card = saved(shopper)
    shop = get_shop()
    shop.payment_gateway = "stripe"
    shop.save(update_fields=["payment_gateway"])
    settings.STRIPE_SECRET_KEY = ""

    page = shopper_client(shopper).get(reverse("storefront:account_cards")).content.decode()

    assert "Unavailable" in page
    assert "data-card-form" not in page
    assert SavedCard.objects.filter(pk=card.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_cards_saved_at_once_leave_one_primary_and_one_gateway_customer():
    skip_unless_postgres()
    get_shop()
    shopper = ShopperFactory()
    tokens = [token(), token(MASTERCARD)]

    outcomes = run_at_once(
        2,
        lambda n: save_card(customer=shopper, gateway=TestGateway(), card_token=tokens[n]).pk,
    )

    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert SavedCard.objects.filter(customer=shopper, is_primary=True).count() == 1
    assert GatewayCustomer.objects.filter(customer=shopper).count() == 1


# --- with Stripe (the real client against the loopback stand-in) ------------------


@pytest.fixture
def on_stripe(settings):
    standin = StripeStandIn(secret_key="sk_test_standin_accounts").start()
    settings.STRIPE_SECRET_KEY = "sk_test_standin_accounts"
    settings.STRIPE_API_BASE = standin.url
    use_gateway("stripe")
    yield standin
    standin.stop()


def use_gateway(name):
    shop = get_shop()
    shop.payment_gateway = name
    shop.save(update_fields=["payment_gateway"])


def test_stripe_card_saved_deleted_at_stripe_and_usable_again_when_the_account_returns(
    make_shopper, shopper_client, on_stripe
):
    shopper = make_shopper()
    client = shopper_client(shopper)

    client.post(reverse("storefront:account_cards"), {"card_token": "pm_card_visa"})
    card = SavedCard.objects.get(customer=shopper)
    assert (card.gateway, card.gateway_account, card.reference) == (
        "stripe",
        STANDIN_ACCOUNT,
        "pm_card_visa",
    )
    assert on_stripe.payment_methods["pm_card_visa"]["customer"]

    use_gateway("test")  # the shop switches away: the card is kept but unavailable
    assert "Unavailable" in client.get(reverse("storefront:account_cards")).content.decode()
    use_gateway("stripe")  # the same Stripe account again: usable again
    assert "Unavailable" not in client.get(reverse("storefront:account_cards")).content.decode()

    client.post(reverse("storefront:account_card_delete", args=[card.pk]))

    assert not SavedCard.objects.filter(customer=shopper).exists()
    assert on_stripe.calls("POST", "/v1/payment_methods/pm_card_visa/detach")
    assert on_stripe.payment_methods["pm_card_visa"]["customer"] is None
