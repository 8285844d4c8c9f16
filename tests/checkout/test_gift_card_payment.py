"""A gift card at checkout: it pays all or part of a site order (the card the rest), a
refused order gives its part back, an unknown code counts against the guessing brake,
partner orders never take one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.checkout.placing import pay_and_place_order
from comptoir.errors import Conflict, DomainError
from comptoir.giftcards.guessing import FAILURES_PER_ADDRESS
from comptoir.giftcards.models import ActivityKind, GiftCard
from comptoir.giftcards.services import issue_digital
from comptoir.mail.delivery import deliver_email
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Order, OrderSource
from comptoir.orders.services import Contact, GiftCardTender, place_order
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.models import TestCharge, TestRefund
from comptoir.shop.money import format_money
from tests.checkout.checkout_helpers import card_token, checkout_form, fill_cart, stocked
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.orders.factories import PICKUP, paid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


def euros(amount: int) -> str:
    return format_money(amount, "EUR", "en")


def gift_card(balance: int) -> GiftCard:
    return issue_digital(
        amount=balance,
        idempotency_key=f"issue-{balance}-{GiftCard.objects.count()}",
        recipient_name="Camille",
        recipient_email="camille@example.com",
    ).card


def balance(card: GiftCard) -> int:
    card.refresh_from_db()
    return card.balance


@pytest.fixture
def croissant(location):
    return stocked(location, price=130, stock=10, name_en="Croissant", name_fr="Croissant")


def test_a_gift_card_pays_the_whole_order_and_nothing_is_charged(client, location, croissant):
    card = gift_card(1000)
    fill_cart(client, location, (croissant, 3))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, card_token="", gift_card_code=card.display_code.lower()),
    )

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert order.total == 390
    assert not TestCharge.objects.exists()
    [payment] = order.payments.all()
    assert (payment.gateway, payment.amount, payment.card_last4) == (
        "gift_card",
        390,
        card.code[-4:],
    )
    assert balance(card) == 610
    assert card.activities.get(kind=ActivityKind.REDEEM).order == order
    page = client.get(answer.url).content.decode()
    assert f"Paid with the gift card ending {card.code[-4:]}: {euros(390)}" in page
    assert f"Left on the card: {euros(610)}" in page


def test_a_gift_card_pays_part_and_the_card_pays_the_rest(client, location, croissant):
    card = gift_card(100)
    fill_cart(client, location, (croissant, 3))

    answer = client.post(
        reverse("storefront:checkout"), checkout_form(client, gift_card_code=card.code)
    )

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert TestCharge.objects.get().amount == 290
    assert sorted((p.gateway, p.amount) for p in order.payments.all()) == [
        ("gift_card", 100),
        ("test", 290),
    ]
    assert balance(card) == 0
    assert f"Left on the card: {euros(0)}" in client.get(answer.url).content.decode()
    receipt = OutgoingEmail.objects.get(kind="order_receipt")
    assert deliver_email(receipt.pk, last_attempt=False) == "sent"
    receipt.refresh_from_db()
    paid_line = f"Paid with the gift card ending {card.code[-4:]}: {euros(100)}."
    assert paid_line in receipt.text_body
    assert paid_line in receipt.html_body


def test_not_enough_on_the_card_without_a_card_says_so_and_charges_nothing(
    client, location, croissant
):
    card = gift_card(100)
    fill_cart(client, location, (croissant, 3))

    answer = client.post(
        reverse("storefront:checkout"),
        checkout_form(client, card_token="", gift_card_code=card.code),
    )

    assert answer.status_code == 400
    assert (
        f"The gift card pays {euros(100)}, its whole balance: enter your card details for the remaining {euros(290)}."
        in answer.content.decode()
    )
    assert not Order.objects.exists()
    assert not TestCharge.objects.exists()
    assert balance(card) == 100


def test_unknown_codes_are_braked_with_a_429_and_its_message(client, location, croissant):
    fill_cart(client, location, (croissant, 1))
    for _attempt in range(FAILURES_PER_ADDRESS):
        answer = client.post(
            reverse("storefront:checkout"), checkout_form(client, gift_card_code="NOPE2345NOPE")
        )
        assert answer.status_code == 404
        assert "No gift card has this code" in answer.content.decode()

    card = gift_card(1000)  # even a real code is refused while braked
    answer = client.post(
        reverse("storefront:checkout"), checkout_form(client, gift_card_code=card.code)
    )

    assert answer.status_code == 429
    assert "try again" in answer.content.decode().lower()
    assert not Order.objects.exists()
    assert not TestCharge.objects.exists()
    assert balance(card) == 1000


def test_an_order_refused_after_the_charge_gives_back_the_card_and_the_gift_card(location):
    last_one = stocked(location, price=500, stock=1)
    card = gift_card(200)

    with pytest.raises(Conflict):
        pay_and_place_order(
            gateway=TestGateway(),
            card_token=card_token(),
            idempotency_key="short-1",
            location=location,
            lines=[(last_one, 2)],
            contact=Contact(email="camille@example.com"),
            fulfilment=PICKUP,
            currency="EUR",
            language="en",
            gift_card_code=card.code,
            ip_address="203.0.113.5",
        )

    charge = TestCharge.objects.get()
    assert charge.amount == 800
    assert TestRefund.objects.get(charge=charge).amount == 800
    assert balance(card) == 200
    assert not card.activities.filter(kind=ActivityKind.REDEEM).exists()
    assert not Order.objects.exists()


def test_a_partner_order_can_never_be_paid_with_a_gift_card(location):
    croissant = stocked(location, price=130, stock=10)
    card = gift_card(1000)

    with pytest.raises(DomainError) as refused:
        place_order(
            idempotency_key="partner-1",
            location=location,
            lines=[(croissant, 1)],
            contact=Contact(email="camille@example.com"),
            fulfilment=PICKUP,
            payment=paid(30),
            language="en",
            source=OrderSource.PARTNER,
            gift_card=GiftCardTender(card=card, amount=100),
        )

    assert refused.value.code == "gift_card_not_accepted"
    assert not Order.objects.exists()
    assert balance(card) == 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_checkouts_spending_the_same_gift_card_at_once_never_overdraw_it(location):
    skip_unless_postgres()
    croissant = stocked(location, price=600, stock=10)
    card = gift_card(500)  # each checkout takes 500 and charges 100 for the rest
    tokens = [card_token() for _n in range(2)]

    def pay(n: int) -> object:
        return pay_and_place_order(
            gateway=TestGateway(),
            card_token=tokens[n],
            idempotency_key=f"race-{n}",
            location=location,
            lines=[(croissant, 1)],
            contact=Contact(email=f"shopper{n}@example.com"),
            fulfilment=PICKUP,
            currency="EUR",
            language="en",
            gift_card_code=card.code,
            ip_address="203.0.113.7",
        ).pk

    outcomes = run_at_once(2, pay)

    order = Order.objects.get()
    assert order.pk in outcomes
    assert any("Only" in str(o) and "left on this gift card" in str(o) for o in outcomes), outcomes
    assert balance(card) == 0
    # Both card parts were charged; the loser's was refunded in full.
    assert sorted(TestCharge.objects.values_list("amount", flat=True)) == [100, 100]
    assert TestRefund.objects.get().amount == 100
    assert card.activities.filter(kind=ActivityKind.REDEEM).count() == 1
