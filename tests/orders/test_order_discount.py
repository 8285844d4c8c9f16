"""A coupon's discount on the order: recorded at placing (``Order.discount`` and its
code), the total is what was paid (subtotal + fees - discount) so revenue counts that,
the discount is its own line on the receipt, the status page and the dashboard's order
page, and refunds never give back more than the payments covered."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.checkout.placing import pay_and_place_order
from comptoir.customers.models import CustomerSpending
from comptoir.mail.delivery import deliver_email
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.fulfilment import cancel_order
from comptoir.orders.links import status_path
from comptoir.orders.models import Order
from comptoir.orders.refunds import cancel_lines
from comptoir.orders.services import Contact
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.models import TestCharge, TestRefund
from comptoir.team.permissions import Permission
from tests.checkout.checkout_helpers import (
    card_token,
    checkout_form,
    fill_cart,
    shop_location,
    stocked,
)
from tests.coupons.helpers import make_coupon
from tests.jobs.fixtures import immediate_tasks  # noqa: F401
from tests.orders.factories import PICKUP

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]

MINUS = "\u2212"


@pytest.fixture
def location(db):
    return shop_location()


@pytest.fixture
def croissant(location):
    return stocked(location, price=250, stock=20, name_en="Croissant", name_fr="Croissant")


def checkout_with(client, location, croissant, code: str, quantity: int = 4, **fields):
    fill_cart(client, location, (croissant, quantity))
    answer = client.post(
        reverse("storefront:checkout"), checkout_form(client, coupon_code=code, **fields)
    )
    assert answer.status_code == 302, answer.content.decode()
    return Order.objects.get()


def place(location, croissant, code: str, quantity: int = 4, *, token: str | None = None) -> Order:
    return pay_and_place_order(
        gateway=TestGateway(),
        card_token=card_token() if token is None else token,
        idempotency_key=f"checkout-{code}",
        location=location,
        lines=[(croissant, quantity)],
        contact=Contact(email="camille@example.com", first_name="Camille"),
        fulfilment=PICKUP,
        currency="EUR",
        language="en",
        coupon_code=code,
    )


def test_the_order_records_the_discount_and_revenue_counts_what_was_paid(
    client, staff_client, location, croissant
):
    coupon = make_coupon(amount_off=300)

    order = checkout_with(client, location, croissant, coupon.code)

    assert (order.subtotal, order.fees, order.discount, order.total) == (1000, 0, 300, 700)
    assert order.discount_code == coupon.display_code
    assert TestCharge.objects.get().amount == 700
    assert CustomerSpending.objects.get(customer=order.customer).total_spent == 700
    staff = staff_client(Permission.VIEW_ORDERS, Permission.VIEW_CUSTOMERS, user__language="en")
    profile = staff.get(reverse("dashboard:customer_detail", args=[order.customer_id]))
    assert profile.status_code == 200
    assert "€7.00" in profile.content.decode()
    assert "€10.00" not in profile.content.decode()


def test_the_receipt_the_status_page_and_the_dashboard_show_the_coupon_line(
    client, staff_client, location, croissant
):
    coupon = make_coupon(amount_off=300)
    order = checkout_with(client, location, croissant, coupon.code)
    label = f"Coupon {coupon.display_code}"

    receipt = OutgoingEmail.objects.get(kind="order_receipt")
    assert deliver_email(receipt.pk, last_attempt=False) == "sent"
    receipt.refresh_from_db()
    assert f"{label}: {MINUS}€3.00" in receipt.text_body
    assert "Total  €7.00" in receipt.text_body
    assert label in receipt.html_body and f"{MINUS}€3.00" in receipt.html_body

    status = Client().get(status_path(order)).content.decode()
    assert f"{label}</span> <strong>{MINUS}€3.00</strong>" in status
    assert "€7.00" in status

    staff = staff_client(Permission.VIEW_ORDERS, user__language="en")
    page = staff.get(reverse("dashboard:order_detail", args=[order.pk]))
    assert page.status_code == 200
    assert f"{label}</th><td>{MINUS}€3.00</td>" in page.content.decode()


def test_an_order_without_coupon_shows_no_discount_line(client, location, croissant):
    fill_cart(client, location, (croissant, 2))
    client.post(reverse("storefront:checkout"), checkout_form(client))
    order = Order.objects.get()

    assert (order.discount, order.discount_code, order.total) == (0, "", 500)
    assert "Coupon" not in Client().get(status_path(order)).content.decode()


@pytest.mark.usefixtures("immediate_tasks")
def test_cancelling_a_coupon_order_refunds_what_the_card_paid(
    owner, location, croissant, django_capture_on_commit_callbacks
):
    order = place(location, croissant, make_coupon(amount_off=300).code)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(actor=owner, order_id=order.pk, expected_version=order.version, reason="Shut")

    assert [r.amount for r in TestRefund.objects.all()] == [700]
    assert CustomerSpending.objects.get(customer=order.customer).total_spent == 0


@pytest.mark.usefixtures("immediate_tasks")
def test_removing_items_never_refunds_more_than_was_paid(
    owner, location, croissant, django_capture_on_commit_callbacks
):
    # 4 x 2.50 with 8.00 off: the card paid 2.00.
    order = place(location, croissant, make_coupon(amount_off=800).code)
    line = order.lines.get()
    assert (order.total, TestCharge.objects.get().amount) == (200, 200)

    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_lines(
            actor=owner, order_id=order.pk, expected_version=order.version, quantities={line.pk: 3}
        )

    # 2.50 of items left, the discount shrinks to it: the 7.50 removed refund the 2.00 paid.
    order.refresh_from_db()
    assert (order.subtotal, order.discount, order.total) == (250, 250, 0)
    assert done.settlement.amount == 200
    assert [r.amount for r in TestRefund.objects.all()] == [200]
    assert CustomerSpending.objects.get(customer=order.customer).total_spent == 0
    email = OutgoingEmail.objects.get(kind="order_lines_cancelled")
    assert "€2.00 will be refunded" in email.text_body


@pytest.mark.usefixtures("immediate_tasks")
def test_a_percentage_coupon_follows_the_items_left(
    owner, location, croissant, django_capture_on_commit_callbacks
):
    # 4 x 2.50 at 50 % off: 5.00 paid.
    order = place(location, croissant, make_coupon(percent_off=50).code)
    line = order.lines.get()
    assert (order.discount, order.total) == (500, 500)

    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_lines(
            actor=owner, order_id=order.pk, expected_version=order.version, quantities={line.pk: 2}
        )

    order.refresh_from_db()
    assert (order.subtotal, order.discount, order.total) == (500, 250, 250)
    assert done.settlement.amount == 250
    assert [r.amount for r in TestRefund.objects.all()] == [250]


@pytest.mark.usefixtures("immediate_tasks")
def test_a_fixed_coupon_stays_while_the_items_left_cover_it(
    owner, location, croissant, django_capture_on_commit_callbacks
):
    order = place(location, croissant, make_coupon(amount_off=300).code)  # 7.00 paid
    line = order.lines.get()

    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_lines(
            actor=owner, order_id=order.pk, expected_version=order.version, quantities={line.pk: 1}
        )

    order.refresh_from_db()
    assert (order.subtotal, order.discount, order.total) == (750, 300, 450)
    assert done.settlement.amount == 250


@pytest.mark.usefixtures("immediate_tasks")
def test_an_order_the_coupon_paid_in_full_refunds_nothing(
    owner, location, croissant, django_capture_on_commit_callbacks
):
    order = place(location, croissant, make_coupon(amount_off=5000).code, token="")
    line = order.lines.get()
    assert (order.discount, order.total) == (1000, 0)

    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_lines(
            actor=owner, order_id=order.pk, expected_version=order.version, quantities={line.pk: 2}
        )
        cancel_order(
            actor=owner, order_id=order.pk, expected_version=done.order.version, reason="Shut"
        )

    assert done.settlement.amount == 0
    assert not TestRefund.objects.exists()
