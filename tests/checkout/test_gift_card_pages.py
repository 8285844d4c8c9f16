"""The storefront's gift-card pages over HTTP: buying an e-gift card (an order without
fulfilment, paid at the test gateway, the card active with its delivery scheduled) and
the public balance check with its brake."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comptoir.giftcards.guessing import FAILURES_PER_ADDRESS
from comptoir.giftcards.models import ActivityKind, GiftCard, GiftCardState
from comptoir.giftcards.services import issue_digital
from comptoir.giftcards.tasks import deliver_gift_card
from comptoir.orders.models import Fulfilment, Order, OrderState
from comptoir.payments.models import TestCharge
from comptoir.shop.money import format_money
from tests.checkout.checkout_helpers import card_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop", "location")]

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 10:00 in Paris


def buy_form(client, **fields) -> dict:
    page = client.get(reverse("storefront:gift_card_buy"))
    assert page.status_code == 200
    data = {
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "amount": "25",
        "recipient_name": "Lou",
        "recipient_email": "lou@example.com",
        "message": "Joyeux anniversaire !",
        "delivery_date": "2026-06-14",
        "email": "camille@example.com",
        "first_name": "Camille",
        "last_name": "Martin",
        "card_token": card_token(),
    }
    data.update(fields)
    return data


def test_buying_an_e_gift_card_makes_a_paid_order_and_an_active_card_sent_on_the_date(
    client, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        form = buy_form(client)
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(reverse("storefront:gift_card_buy"), form)

    assert answer.status_code == 302, answer.content.decode()
    order = Order.objects.get()
    assert answer.url == reverse("storefront:checkout_done", args=[order.number])
    assert (order.total, order.state) == (2500, OrderState.COMPLETED)
    assert not Fulfilment.objects.filter(order=order).exists()
    assert order.lines.get().name == "E-gift card for Lou"
    assert TestCharge.objects.get().amount == 2500
    card = GiftCard.objects.get()
    assert (card.state, card.balance, card.recipient_email) == (
        GiftCardState.ACTIVE,
        2500,
        "lou@example.com",
    )
    assert card.delivery_date == date(2026, 6, 14)
    assert card.customer == order.customer
    assert card.activities.get(kind=ActivityKind.ACTIVATE).order == order
    delivery = DBTaskResult.objects.get(task_path=deliver_gift_card.module_path)
    assert delivery.run_after == datetime(2026, 6, 14, 7, 0, tzinfo=UTC)  # 09:00 in Paris


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "1"}, "Choose an amount between"),
        ({"amount": "5000"}, "Choose an amount between"),
        ({"delivery_date": "2026-05-01"}, "Choose a date from today to a year from now."),
        ({"recipient_email": "not-an-email"}, "Enter a valid email address."),
    ],
)
def test_a_refused_e_gift_card_charges_nothing_and_says_why(client, fields, message):
    with time_machine.travel(NOW, tick=False):
        answer = client.post(reverse("storefront:gift_card_buy"), buy_form(client, **fields))

    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Order.objects.exists()
    assert not TestCharge.objects.exists()
    assert not GiftCard.objects.exists()


def test_the_balance_page_shows_what_is_left_on_a_card(client):
    card = issue_digital(
        amount=4000, idempotency_key="gift", recipient_name="Lou", recipient_email="l@example.com"
    ).card

    answer = client.post(
        reverse("storefront:gift_card_balance"),
        {"code": card.code.lower()[:8] + " " + card.code[8:]},
    )

    assert answer.status_code == 200
    page = answer.content.decode()
    assert f"The card {card.display_code} holds {format_money(4000, 'EUR', 'en')}." in page


def test_unknown_codes_on_the_balance_page_are_braked_with_a_429(client):
    card = issue_digital(
        amount=4000, idempotency_key="gift", recipient_name="Lou", recipient_email="l@example.com"
    ).card
    for _attempt in range(FAILURES_PER_ADDRESS):
        answer = client.post(reverse("storefront:gift_card_balance"), {"code": "WXYZ2345WXYZ2345"})
        assert answer.status_code == 404
        assert "No gift card has this code" in answer.content.decode()

    answer = client.post(reverse("storefront:gift_card_balance"), {"code": card.code})

    assert answer.status_code == 429
    assert "try again" in answer.content.decode().lower()
    assert "holds" not in answer.content.decode()
