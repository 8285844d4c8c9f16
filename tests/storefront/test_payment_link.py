"""A counter order paid by card link: staff send it from the counter screen, the
customer receives it by email and pays on the storefront with the test gateway; the
order is then placed like any other (waiting to be accepted). Paying twice charges
once; an expired or paid link says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.mail.models import OutgoingEmail
from comptoir.orders.counter import pay_payment_link
from comptoir.orders.links import status_path
from comptoir.orders.models import (
    FulfilmentState,
    Order,
    OrderSource,
    OrderState,
    PaymentLink,
    PaymentLinkState,
)
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCharge
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import stocked

pytestmark = pytest.mark.django_db

NEW = reverse("dashboard:counter_order_new")


@pytest.fixture
def staff_client(staff_client):
    def build(*permissions, **kwargs):
        return staff_client(*permissions, user__language="en", **kwargs)

    return build


def _card(number="4242424242424242") -> str:
    return tokenize_test_card(number, 12, timezone.now().year + 3, "123")


def _send_link(client, location, product, customer, *, quantity=2, key="link-1"):
    return client.post(
        NEW,
        {
            "location": location.pk,
            "idempotency_key": key,
            f"qty_{product.pk}": quantity,
            "customer": customer.pk,
            "fulfilment": "pickup",
            "note": "Ring twice",
            "payment": "card_link",
            "do": "place",
        },
    )


@pytest.fixture
def sent(staff_client, english_shop):
    location = LocationFactory()
    product = stocked(location, price=600, stock=5)
    customer = CustomerFactory(first_name="Noa", email="noa@example.com")
    client = staff_client(Permission.MANAGE_ORDERS, Permission.VIEW_ORDERS)
    response = _send_link(client, location, product, customer)
    return client, response, PaymentLink.objects.get(), product, customer


def test_a_card_link_is_emailed_and_no_order_exists_until_paid(sent):
    client, response, link, product, customer = sent

    assert response.status_code == 302
    assert f"link={link.pk}" in response["Location"]
    assert not Order.objects.exists()
    assert link.amount == 1200 and link.customer == customer
    assert link.expires_at - link.created_at == timedelta(hours=24)
    assert len(link.token) >= 40
    email = OutgoingEmail.objects.get(kind="counter_payment_link")
    assert email.to_address == "noa@example.com"
    assert f"/pay/{link.token}/" in email.text_body
    page = client.get(response["Location"]).content.decode()
    assert link.token in page
    product.availabilities.get().refresh_from_db()
    assert product.availabilities.get().stock == 5


def test_the_customer_pays_the_link_and_the_order_waits_to_be_accepted(sent):
    _client, _response, link, _product, customer = sent
    shopper = Client()
    pay_url = reverse("storefront:payment_link", args=[link.token])

    page = shopper.get(pay_url)
    assert page.status_code == 200 and "12" in page.content.decode()
    response = shopper.post(pay_url, {"card_token": _card(), "attempt": "a-1"})

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == status_path(order)
    assert order.source == OrderSource.COUNTER
    assert order.customer == customer and order.account is None
    assert order.total == 1200 and order.note == "Ring twice"
    assert order.state == OrderState.OPEN
    assert order.fulfilment.state == FulfilmentState.PROPOSED
    payment = order.payments.get()
    assert (payment.gateway, payment.method, payment.amount) == ("test", "card", 1200)
    link.refresh_from_db()
    assert link.state == PaymentLinkState.PAID and link.order == order
    customer.spending.refresh_from_db()
    assert customer.spending.total_spent == 1200


def test_paying_twice_charges_once(sent):
    _client, _response, link, _product, _customer = sent
    shopper = Client()
    pay_url = reverse("storefront:payment_link", args=[link.token])
    shopper.post(pay_url, {"card_token": _card(), "attempt": "a-1"})

    again = shopper.post(pay_url, {"card_token": _card(), "attempt": "a-1"})
    order = pay_payment_link(
        token=link.token, gateway=TestGateway(), card_token=_card(), attempt="a-2"
    )

    assert again.status_code == 409
    assert "already paid" in again.content.decode()
    assert Order.objects.count() == 1 and order == Order.objects.get()
    assert TestCharge.objects.count() == 1


def test_an_expired_link_says_so_and_charges_nothing(sent):
    _client, _response, link, _product, _customer = sent
    shopper = Client()
    pay_url = reverse("storefront:payment_link", args=[link.token])

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        page = shopper.get(pay_url)
        response = shopper.post(pay_url, {"card_token": _card(), "attempt": "a-1"})

    assert "has expired" in page.content.decode()
    assert response.status_code == 409
    assert not Order.objects.exists() and not TestCharge.objects.exists()


def test_a_declined_card_leaves_the_link_to_pay(sent):
    _client, _response, link, _product, _customer = sent
    shopper = Client()
    pay_url = reverse("storefront:payment_link", args=[link.token])

    response = shopper.post(pay_url, {"card_token": _card("4000000000000002"), "attempt": "a-1"})

    assert response.status_code == 402
    assert not Order.objects.exists()
    link.refresh_from_db()
    assert link.state == PaymentLinkState.PENDING


def test_an_unknown_link_is_not_found(english_shop):
    response = Client().get(reverse("storefront:payment_link", args=["nope"]))

    assert response.status_code == 404


def test_a_card_link_needs_the_customers_email(staff_client, english_shop):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory(email=None, phone="+33612345678")
    client = staff_client(Permission.MANAGE_ORDERS)

    response = _send_link(client, location, product, customer)

    assert response.status_code == 400
    assert "sent by email" in response.content.decode()
    assert not PaymentLink.objects.exists() and not OutgoingEmail.objects.exists()


def test_a_double_click_sends_one_link(staff_client, english_shop):
    location = LocationFactory()
    product = stocked(location, stock=None)
    customer = CustomerFactory()
    client = staff_client(Permission.MANAGE_ORDERS)

    _send_link(client, location, product, customer, key="same")
    _send_link(client, location, product, customer, key="same")

    assert PaymentLink.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="counter_payment_link").count() == 1


def test_an_order_refused_after_the_charge_is_refunded_and_the_link_can_be_paid_again(sent):
    _client, _response, link, product, _customer = sent
    availability = product.availabilities.get()
    availability.stock = 1  # sold meanwhile: two are ordered
    availability.save(update_fields=["stock"])
    shopper = Client()
    pay_url = reverse("storefront:payment_link", args=[link.token])

    refused = shopper.post(pay_url, {"card_token": _card(), "attempt": "a-1"})

    assert refused.status_code == 409
    assert "Your payment was refunded" in refused.content.decode()
    assert not Order.objects.exists()
    charge = TestCharge.objects.get()
    assert charge.refunded_amount == charge.amount == 1200
    # The page offers a new try, with a new key: it never replays the refunded charge.
    retry_key = refused.context["form"]["attempt"].value()
    assert retry_key != "a-1"
    availability.stock = 5
    availability.save(update_fields=["stock"])

    paid = shopper.post(pay_url, {"card_token": _card(), "attempt": retry_key})

    order = Order.objects.get()
    assert paid.status_code == 302
    assert order.payments.get().reference != charge.reference
    assert TestCharge.objects.count() == 2


def test_a_double_submit_of_one_form_charges_once(sent):
    _client, _response, link, _product, _customer = sent
    card = _card()

    first = pay_payment_link(token=link.token, gateway=TestGateway(), card_token=card, attempt="x")
    link.refresh_from_db()
    link.state = PaymentLinkState.PENDING  # as a twin request reads it before the first commits
    link.save(update_fields=["state"])
    second = pay_payment_link(token=link.token, gateway=TestGateway(), card_token=card, attempt="x")

    assert first == second
    charge = TestCharge.objects.get()
    assert charge.refunded_amount == 0


def test_a_second_attempt_while_the_first_paid_is_refunded(sent):
    _client, _response, link, _product, _customer = sent
    first = pay_payment_link(
        token=link.token, gateway=TestGateway(), card_token=_card(), attempt="one"
    )
    link.refresh_from_db()
    link.state = PaymentLinkState.PENDING  # read before the first attempt committed
    link.save(update_fields=["state"])

    second = pay_payment_link(
        token=link.token, gateway=TestGateway(), card_token=_card(), attempt="two"
    )

    assert second == first and Order.objects.count() == 1
    kept, refunded = TestCharge.objects.order_by("pk")
    assert kept.refunded_amount == 0 and refunded.refunded_amount == refunded.amount
