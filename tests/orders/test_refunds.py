"""Cancelling a site order in full or in part: the card refunded at the test gateway
(after commit, once), the gift card's part given back, the stock returned, the totals and
spending updated, the customer emailed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.catalog.models import Availability
from comptoir.checkout.placing import pay_and_place_order
from comptoir.customers.models import CustomerSpending
from comptoir.errors import Conflict, InvalidInput, PermissionDenied
from comptoir.giftcards.models import ActivityKind, GiftCard
from comptoir.giftcards.services import issue_digital
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.fulfilment import cancel_order
from comptoir.orders.models import Order, OrderEvent, OrderSource, OrderState
from comptoir.orders.refunds import (
    CARD_REFUND_SENT,
    LINES_CANCELLED,
    cancel_lines,
    refund_payment,
    send_card_refund,
)
from comptoir.orders.services import Contact, FulfilmentChoice
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.payments.models import TestCharge, TestRefund
from comptoir.team.permissions import Permission
from tests.checkout.checkout_helpers import shop_location
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.jobs.fixtures import immediate_tasks  # noqa: F401
from tests.orders.factories import PICKUP, stocked

pytestmark = pytest.mark.django_db

TIMES = "\u00d7"  # the emails' multiplication sign
CONTACT = Contact(email="camille@example.com", first_name="Camille", last_name="Martin")


def gift_card(balance: int) -> GiftCard:
    activity = issue_digital(
        amount=balance,
        idempotency_key=f"issue-{balance}-{GiftCard.objects.count()}",
        recipient_name="Camille",
        recipient_email="camille@example.com",
    )
    return activity.card


def place(location, lines, *, card: GiftCard | None = None, key: str = "checkout-1") -> Order:
    """A real checkout: the test gateway charges, the gift card (if any) pays first."""
    return pay_and_place_order(
        gateway=TestGateway(),
        card_token=tokenize_test_card("4242424242424242", 12, 2040, "123"),
        idempotency_key=key,
        location=location,
        lines=lines,
        contact=CONTACT,
        fulfilment=PICKUP,
        currency="EUR",
        language="en",
        gift_card_code=card.code if card else "",
        ip_address="203.0.113.9",
    )


def stock(product, location) -> int | None:
    return Availability.objects.get(product=product, location=location).stock


def balance(card: GiftCard) -> int:
    card.refresh_from_db()
    return card.balance


@pytest.fixture
def croissant(location):
    return stocked(location, price=200, stock=10)


@pytest.fixture
def bread(location):
    return stocked(location, price=400, stock=5)


@pytest.mark.usefixtures("immediate_tasks")
def test_full_cancel_refunds_card_and_gift_card_returns_stock_and_emails(
    owner, location, croissant, bread, django_capture_on_commit_callbacks
):
    card = gift_card(300)
    order = place(location, [(croissant, 3), (bread, 1)], card=card)  # 1,000: 300 + 700
    assert (order.total, balance(card), stock(croissant, location)) == (1000, 0, 7)
    charge = TestCharge.objects.get()
    assert charge.amount == 700

    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_order(
            actor=owner, order_id=order.pk, expected_version=order.version, reason="Oven broke"
        )

    assert done.order.state == OrderState.CANCELLED
    assert [r.amount for r in TestRefund.objects.filter(charge=charge)] == [700]
    assert balance(card) == 300
    assert card.activities.filter(kind=ActivityKind.REFUND, order=order).get().amount == 300
    assert (stock(croissant, location), stock(bread, location)) == (10, 5)
    assert OutgoingEmail.objects.filter(
        to_address="camille@example.com", kind="order_cancelled"
    ).exists()
    assert OrderEvent.objects.filter(order=order, kind=CARD_REFUND_SENT).count() == 1
    spending = CustomerSpending.objects.get(customer=order.customer)
    assert spending.total_spent == 0


@pytest.mark.usefixtures("immediate_tasks")
def test_a_retried_refund_or_cancel_does_not_refund_twice(
    owner, location, croissant, django_capture_on_commit_callbacks
):
    order = place(location, [(croissant, 2)])
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(actor=owner, order_id=order.pk, expected_version=order.version, reason="Shut")
    event = OrderEvent.objects.get(order=order, kind=CARD_REFUND_SENT)

    # The task run again (a lost acknowledgement), directly and through the queue.
    send_card_refund(
        payment_id=event.detail["payment"],
        amount=event.detail["amount"],
        idempotency_key=event.detail["key"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund_payment.enqueue(event.detail["payment"], event.detail["amount"], event.detail["key"])
    # The cancel submitted twice: the version moved on.
    with pytest.raises(Conflict):
        cancel_order(actor=owner, order_id=order.pk, expected_version=order.version, reason="Shut")

    assert TestRefund.objects.get().amount == 400
    assert OrderEvent.objects.filter(order=order, kind=CARD_REFUND_SENT).count() == 1


def test_the_card_refund_waits_for_the_commit(owner, location, croissant):
    order = place(location, [(croissant, 1)])
    cancel_order(actor=owner, order_id=order.pk, expected_version=order.version, reason="Shut")
    # No on_commit ran inside the test's transaction: nothing was sent to the gateway.
    assert not TestRefund.objects.exists()


@pytest.mark.usefixtures("immediate_tasks")
def test_partial_cancel_refunds_the_card_first_then_the_gift_card(
    owner, location, croissant, bread, django_capture_on_commit_callbacks
):
    card = gift_card(300)
    order = place(location, [(croissant, 3), (bread, 1)], card=card)  # 300 gift + 700 card
    lines = {line.product_id: line for line in order.lines.all()}

    with django_capture_on_commit_callbacks(execute=True):
        first = cancel_lines(
            actor=owner,
            order_id=order.pk,
            expected_version=order.version,
            quantities={lines[croissant.pk].pk: 2},
            reason="Sold out",
        )
    assert (first.order.subtotal, first.order.total, first.settlement.amount) == (600, 600, 400)
    assert [r.amount for r in TestRefund.objects.order_by("id")] == [400]
    assert balance(card) == 0
    assert stock(croissant, location) == 9
    assert order.lines.get(pk=lines[croissant.pk].pk).quantity == 1
    assert OrderEvent.objects.get(order=order, kind=LINES_CANCELLED).detail["amount"] == 400
    email = OutgoingEmail.objects.get(kind="order_lines_cancelled")
    assert email.to_address == "camille@example.com"
    assert f"2 {TIMES} " in email.text_body and "Sold out" in email.text_body
    assert CustomerSpending.objects.get(customer=order.customer).total_spent == 600

    with django_capture_on_commit_callbacks(execute=True):
        second = cancel_lines(
            actor=owner,
            order_id=order.pk,
            expected_version=first.order.version,
            quantities={lines[bread.pk].pk: 1},
        )
    # 300 left on the card payment, then 100 of the gift card's 300.
    assert second.order.total == 200
    assert [r.amount for r in TestRefund.objects.order_by("id")] == [400, 300]
    assert balance(card) == 100
    assert not order.lines.filter(pk=lines[bread.pk].pk).exists()
    assert stock(bread, location) == 5
    last_email = OutgoingEmail.objects.filter(kind="order_lines_cancelled").order_by("-id")[0]
    assert f"1 {TIMES} {bread.name}" in last_email.text_body

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(
            actor=owner, order_id=order.pk, expected_version=second.order.version, reason="Shut"
        )
    # What was left: 200 on the gift card; the card had nothing left to refund.
    assert [r.amount for r in TestRefund.objects.order_by("id")] == [400, 300]
    assert balance(card) == 300
    assert stock(croissant, location) == 10


def test_partial_cancel_refuses_removing_everything_or_too_much(owner, location, croissant):
    order = place(location, [(croissant, 2)])
    line = order.lines.get()
    for quantities in ({line.pk: 2}, {line.pk: 3}, {line.pk + 999: 1}, {line.pk: 0}):
        with pytest.raises(InvalidInput):
            cancel_lines(
                actor=owner,
                order_id=order.pk,
                expected_version=order.version,
                quantities=quantities,
            )
    order.refresh_from_db()
    assert (order.total, line.quantity, stock(croissant, location)) == (400, 2, 8)


def test_partial_cancel_needs_manage_orders_and_the_current_version(
    owner, make_member, location, croissant
):
    order = place(location, [(croissant, 3)])
    line = order.lines.get()
    viewer = make_member(permissions=[Permission.VIEW_ORDERS])
    with pytest.raises(PermissionDenied):
        cancel_lines(
            actor=viewer, order_id=order.pk, expected_version=order.version, quantities={line.pk: 1}
        )
    with pytest.raises(Conflict):
        cancel_lines(
            actor=owner,
            order_id=order.pk,
            expected_version=order.version + 1,
            quantities={line.pk: 1},
        )
    order.refresh_from_db()
    assert (order.total, order.version, stock(croissant, location)) == (600, 1, 7)
    assert not TestRefund.objects.exists()
    assert not OrderEvent.objects.filter(order=order).exists()


# --- the dashboard page -----------------------------------------------------------------


@pytest.mark.usefixtures("immediate_tasks", "english_shop")
def test_staff_remove_items_from_the_dashboard_and_the_card_is_refunded(
    staff_client, location, croissant, bread, django_capture_on_commit_callbacks
):
    order = place(location, [(croissant, 3), (bread, 1)])
    line = order.lines.get(product=croissant)
    client = staff_client(Permission.VIEW_ORDERS, Permission.MANAGE_ORDERS)
    url = reverse("dashboard:order_remove_items", args=[order.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert f'name="remove_{line.pk}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url, {"version": order.version, f"remove_{line.pk}": "1", "reason": "Burnt"}
        )

    assert answer.status_code == 302
    assert answer.url == reverse("dashboard:order_detail", args=[order.pk])
    order.refresh_from_db()
    assert order.total == 800
    assert TestRefund.objects.get().amount == 200
    assert stock(croissant, location) == 8


@pytest.mark.usefixtures("english_shop")
def test_the_remove_items_page_says_why_it_refuses_and_changes_nothing(
    staff_client, location, croissant
):
    order = place(location, [(croissant, 2)])
    line = order.lines.get()
    client = staff_client(Permission.VIEW_ORDERS, Permission.MANAGE_ORDERS, user__language="en")
    url = reverse("dashboard:order_remove_items", args=[order.pk])

    too_many = client.post(url, {"version": order.version, f"remove_{line.pk}": "5"})
    everything = client.post(url, {"version": order.version, f"remove_{line.pk}": "2"})
    stale = client.post(url, {"version": order.version + 1, f"remove_{line.pk}": "1"})

    assert too_many.status_code == 400
    assert "The order has only 2 of" in too_many.content.decode()
    assert "cancel the order instead" in everything.content.decode()
    assert stale.status_code == 409
    assert "Someone else changed this order" in stale.content.decode()
    order.refresh_from_db()
    assert (order.total, order.version, stock(croissant, location)) == (400, 1, 8)


def test_removing_items_needs_manage_orders(staff_client, location, croissant):
    order = place(location, [(croissant, 2)])
    line = order.lines.get()
    client = staff_client(Permission.VIEW_ORDERS)
    url = reverse("dashboard:order_remove_items", args=[order.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"version": order.version, f"remove_{line.pk}": "1"}).status_code == 403
    order.refresh_from_db()
    assert (order.total, order.version, stock(croissant, location)) == (400, 1, 8)
    assert not TestRefund.objects.exists()


# --- two staff at once (PostgreSQL) ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("immediate_tasks")
def test_a_cancel_and_a_removal_at_the_same_instant_refund_once(owner, location):
    skip_unless_postgres()
    croissant = stocked(location, price=200, stock=10)
    card = gift_card(300)
    order = place(location, [(croissant, 5)], card=card)  # 1,000: 300 gift + 700 card
    line = order.lines.get()

    def act(n: int) -> str:
        if n % 2:
            cancel_order(actor=owner, order_id=order.pk, expected_version=1, reason="Shut")
            return "cancelled"
        cancel_lines(actor=owner, order_id=order.pk, expected_version=1, quantities={line.pk: 1})
        return "removed"

    outcomes = run_at_once(4, act)

    assert len([o for o in outcomes if o in ("cancelled", "removed")]) == 1, outcomes
    assert all("Conflict" in str(o) for o in outcomes if o not in ("cancelled", "removed"))
    order.refresh_from_db()
    assert order.version == 2
    refunded = sum(TestRefund.objects.values_list("amount", flat=True))
    if "cancelled" in outcomes:
        assert (refunded, balance(card), stock(croissant, location)) == (700, 300, 10)
    else:
        assert (refunded, balance(card), stock(croissant, location)) == (200, 0, 6)


@pytest.mark.usefixtures("immediate_tasks")
def test_cancelling_a_table_order_refunds_it_too(owner, django_capture_on_commit_callbacks):
    location = shop_location(fulfilment_types=["table"])
    croissant = stocked(location, price=200, stock=10)
    card = gift_card(100)
    order = pay_and_place_order(
        gateway=TestGateway(),
        card_token=tokenize_test_card("4242424242424242", 12, 2040, "123"),
        idempotency_key="table-1",
        location=location,
        lines=[(croissant, 2)],
        contact=CONTACT,
        fulfilment=FulfilmentChoice(type="table", table_label="12"),
        currency="EUR",
        language="en",
        gift_card_code=card.code,
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(actor=owner, order_id=order.pk, expected_version=1, reason="Left")

    assert TestRefund.objects.get().amount == 300
    assert (balance(card), stock(croissant, location)) == (100, 10)


def test_items_of_a_partner_order_cannot_be_removed_here(owner, location, croissant):
    order = place(location, [(croissant, 2)])
    Order.objects.filter(pk=order.pk).update(source=OrderSource.PARTNER)
    with pytest.raises(Conflict) as refused:
        cancel_lines(
            actor=owner,
            order_id=order.pk,
            expected_version=1,
            quantities={order.lines.get().pk: 1},
        )
    assert refused.value.code == "partner_order"
    assert stock(croissant, location) == 8
