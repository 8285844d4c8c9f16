"""A coupon at checkout: it takes its amount (or percentage of the items) off the
order, the card pays the rest; it is used once; expired, used and unknown codes are
refused beside the field with everything typed kept; on PostgreSQL two checkouts using
the same code at once place one order with it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comptoir.checkout.placing import pay_and_place_order
from comptoir.coupons.models import Coupon
from comptoir.giftcards.services import issue_digital
from comptoir.orders.models import Order
from comptoir.orders.services import Contact
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.models import TestCharge, TestRefund
from tests.checkout.checkout_helpers import (
    card_token,
    checkout_form,
    fill_cart,
    shop_location,
    stocked,
)
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.coupons.helpers import make_coupon
from tests.orders.factories import PICKUP

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


@pytest.fixture
def location(db):
    return shop_location()


@pytest.fixture
def croissant(location):
    return stocked(location, price=250, stock=20, name_en="Croissant", name_fr="Croissant")


def place(client, location, croissant, code: str, quantity: int = 4, **fields):
    fill_cart(client, location, (croissant, quantity))
    return client.post(
        reverse("storefront:checkout"), checkout_form(client, coupon_code=code, **fields)
    )


def test_a_coupon_takes_its_amount_off_and_the_card_pays_the_rest(client, location, croissant):
    coupon = make_coupon(amount_off=300)

    answer = place(client, location, croissant, coupon.display_code.lower())

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    # The order records the discount; its total is what was paid.
    assert (order.subtotal, order.discount, order.total) == (1000, 300, 700)
    assert order.discount_code == coupon.display_code
    assert TestCharge.objects.get().amount == 700
    assert [p.amount for p in order.payments.all()] == [700]
    coupon.refresh_from_db()
    assert coupon.redeemed_order == order and coupon.amount_applied == 300
    assert coupon.redeemed_at is not None
    page = client.get(answer.url).content.decode()
    assert f"Coupon {coupon.display_code}</span> <strong>\u2212€3.00" in page


def test_a_percentage_counts_the_items_not_the_delivery_fee(client, location, croissant):
    coupon = make_coupon(percent_off=15)

    answer = place(
        client,
        location,
        croissant,
        coupon.code,
        fulfilment="delivery",
        address_line1="3 rue des Martyrs",
        postal_code="75009",
        city="Paris",
    )

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert (order.subtotal, order.fees, order.discount) == (1000, 350, 150)
    assert order.total == 1000 + 350 - 150
    coupon.refresh_from_db()
    assert coupon.amount_applied == 150  # 15 % of 10.00 of croissants
    assert TestCharge.objects.get().amount == 1350 - 150


def test_a_coupon_worth_the_whole_order_charges_nothing(client, location, croissant):
    coupon = make_coupon(amount_off=5000)

    answer = place(client, location, croissant, coupon.code, card_token="")

    assert answer.status_code == 302, answer.content.decode()
    assert not TestCharge.objects.exists()
    coupon.refresh_from_db()
    assert coupon.amount_applied == 1000


def test_a_coupon_is_used_once(client, location, croissant):
    coupon = make_coupon(amount_off=300)
    assert place(client, location, croissant, coupon.code).status_code == 302

    again = place(client, location, croissant, coupon.code, email="lou@example.com")

    assert again.status_code == 400
    form = again.context["form"]
    assert form.errors["coupon_code"] == ["This coupon has already been used."]
    assert form["email"].value() == "lou@example.com"  # what was typed is kept
    assert form["coupon_code"].value() == coupon.code
    assert Order.objects.count() == 1
    assert TestCharge.objects.count() == 1  # nothing charged for the refused one


def test_an_expired_coupon_is_refused(client, location, croissant):
    coupon = make_coupon(amount_off=300, days=2)

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        answer = place(client, location, croissant, coupon.code)

    assert answer.status_code == 400
    [error] = answer.context["form"].errors["coupon_code"]
    assert error.startswith("This coupon expired on ")
    assert not Order.objects.exists() and not TestCharge.objects.exists()
    assert Coupon.objects.get().redeemed_at is None


def test_an_unknown_code_is_refused(client, location, croissant):
    answer = place(client, location, croissant, "ABCD-EFGH-JKMN")

    assert answer.status_code == 400
    assert answer.context["form"].errors["coupon_code"] == [
        "No coupon has this code. Check it and try again."
    ]
    assert not Order.objects.exists()


def test_a_coupon_and_a_gift_card_together(client, location, croissant):
    coupon = make_coupon(amount_off=300)
    card = issue_digital(
        amount=500, idempotency_key="card", recipient_name="Lou", recipient_email="l@example.com"
    ).card

    answer = place(client, location, croissant, coupon.code, gift_card_code=card.code)

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert sorted(p.amount for p in order.payments.all()) == [200, 500]
    card.refresh_from_db()
    assert card.balance == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_checkouts_using_the_same_coupon_at_once_use_it_once(location):
    skip_unless_postgres()
    croissant = stocked(location, price=600, stock=10)
    coupon = make_coupon(amount_off=200)
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
            coupon_code=coupon.code,
        ).pk

    outcomes = run_at_once(2, pay)

    order = Order.objects.get()
    assert order.pk in outcomes
    assert any("has just been used" in str(o) for o in outcomes), outcomes
    coupon.refresh_from_db()
    assert coupon.redeemed_order == order and coupon.amount_applied == 200
    # Both checkouts charged 4.00; the loser's charge was refunded in full.
    assert sorted(TestCharge.objects.values_list("amount", flat=True)) == [400, 400]
    assert TestRefund.objects.get().amount == 400


def test_a_coupon_covering_part_asks_for_the_card(client, location, croissant):
    coupon = make_coupon(amount_off=300)

    answer = place(client, location, croissant, coupon.code, card_token="")

    assert answer.status_code == 400
    assert answer.context["form"].errors["card_token"] == [
        "Enter your card details to pay the rest."
    ]
    assert not Order.objects.exists() and not TestCharge.objects.exists()
    assert Coupon.objects.get().redeemed_at is None
