"""Staff moving an order through its fulfilment: every transition made or refused with its
message, version conflicts, permissions, customer emails, partner orders, spending."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comptoir.customers.models import CustomerSpending
from comptoir.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.fulfilment import (
    PartnerOrderRefused,
    accept_order,
    cancel_order,
    complete_order,
    fail_order,
    mark_order_ready,
)
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    Order,
    OrderEvent,
    OrderSource,
    OrderState,
)
from comptoir.orders.services import Contact, FulfilmentChoice, place_donation
from comptoir.orders.states import STAMPED_FIELD, IllegalTransition
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, paid, stocked

pytestmark = pytest.mark.django_db

S = FulfilmentState

ALL_OFFERS = [o.value for o in Offer]
DELIVERY = FulfilmentChoice(
    type="delivery", address_line1="3 rue Lepic", postal_code="75018", city="Paris"
)
SHIPMENT = FulfilmentChoice(
    type="shipment", address_line1="8 quai Rambaud", postal_code="69002", city="Lyon"
)
TABLE = FulfilmentChoice(type="table", table_label="12")


def _cancel(**kwargs):
    return cancel_order(reason="Out of croissants", **kwargs)


# Each service, the state it moves to.
SERVICES = {
    "accept": (accept_order, S.RESERVED),
    "ready": (mark_order_ready, S.PREPARED),
    "complete": (complete_order, S.COMPLETED),
    "cancel": (_cancel, S.CANCELLED),
    "fail": (fail_order, S.FAILED),
}
ALLOWED = {
    (S.PROPOSED, S.RESERVED),
    (S.RESERVED, S.PREPARED),
    (S.PREPARED, S.COMPLETED),
    *(
        (before, end)
        for before in (S.PROPOSED, S.RESERVED, S.PREPARED)
        for end in (S.CANCELLED, S.FAILED)
    ),
}


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", preparation_minutes=20, fulfilment_types=ALL_OFFERS)


@pytest.fixture
def manager(make_member, location):
    return make_member(permissions=[Permission.MANAGE_ORDERS], locations=[location])


def place(location, fulfilment=PICKUP, **kwargs):
    product = stocked(location, price=300)
    return checkout(location, [(product, 2)], fulfilment=fulfilment, **kwargs)


def put_in(order, state):
    """Set up: the fulfilment as if it had got to ``state`` (order state to match)."""
    Fulfilment.objects.filter(order=order).update(state=state)
    if state in (S.COMPLETED, S.FAILED):
        Order.objects.filter(pk=order.pk).update(state=OrderState.COMPLETED)
    elif state == S.CANCELLED:
        Order.objects.filter(pk=order.pk).update(state=OrderState.CANCELLED)
    order.refresh_from_db()


def snapshot(order):
    order.refresh_from_db()
    fulfilment = Fulfilment.objects.get(order=order)
    return (
        order.state,
        order.version,
        fulfilment.state,
        fulfilment.accepted_at,
        fulfilment.ready_at,
        fulfilment.completed_at,
        fulfilment.cancelled_at,
        fulfilment.failed_at,
        fulfilment.cancel_reason,
        fulfilment.preparation_minutes,
        OrderEvent.objects.filter(order=order).count(),
        OutgoingEmail.objects.count(),
    )


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("service", list(SERVICES))
def test_every_staff_transition_is_made_or_refused_with_its_message(
    service, current, location, manager
):
    move, target = SERVICES[service]
    order = place(location)
    put_in(order, current)
    before = snapshot(order)

    if (current, target) not in ALLOWED:
        with pytest.raises(IllegalTransition) as refused:
            move(actor=manager, order_id=order.pk, expected_version=order.version)
        assert refused.value.status == 409
        assert current.label.lower() in refused.value.message
        assert snapshot(order) == before
        return

    done = move(actor=manager, order_id=order.pk, expected_version=order.version)

    fulfilment = Fulfilment.objects.get(order=order)
    order.refresh_from_db()
    assert fulfilment.state == target
    assert getattr(fulfilment, STAMPED_FIELD[target]) is not None
    assert order.version == before[1] + 1 == done.order.version
    event = OrderEvent.objects.get(order=order)
    assert (event.from_state, event.to_state, event.actor) == (current, target, manager)
    expected_order_state = {
        S.RESERVED: OrderState.OPEN,
        S.PREPARED: OrderState.OPEN,
        S.COMPLETED: OrderState.COMPLETED,
        S.FAILED: OrderState.COMPLETED,
        S.CANCELLED: OrderState.CANCELLED,
    }[target]
    assert order.state == expected_order_state


def test_an_order_goes_from_placed_to_picked_up(location, manager):
    order = place(location)

    v = accept_order(actor=manager, order_id=order.pk, expected_version=1).order.version
    v = mark_order_ready(actor=manager, order_id=order.pk, expected_version=v).order.version
    complete_order(actor=manager, order_id=order.pk, expected_version=v)

    order.refresh_from_db()
    fulfilment = order.fulfilment
    assert (order.state, order.version, fulfilment.state) == ("completed", 4, "completed")
    assert fulfilment.placed_at <= fulfilment.accepted_at <= fulfilment.ready_at
    assert fulfilment.ready_at <= fulfilment.completed_at
    assert list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True)) == [
        "accepted",
        "ready",
        "completed",
    ]


def test_accepting_may_set_a_new_preparation_time(location, manager):
    order = place(location)

    accept_order(actor=manager, order_id=order.pk, expected_version=1, preparation_minutes=35)

    fulfilment = Fulfilment.objects.get(order=order)
    assert fulfilment.preparation_minutes == 35
    assert OrderEvent.objects.get(order=order).detail["preparation_minutes"] == 35


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, "30", True])
def test_a_nonsense_preparation_time_is_refused_and_nothing_changes(location, manager, minutes):
    order = place(location)
    before = snapshot(order)

    with pytest.raises(InvalidInput) as refused:
        accept_order(
            actor=manager, order_id=order.pk, expected_version=1, preparation_minutes=minutes
        )

    assert "preparation_minutes" in refused.value.errors
    assert snapshot(order) == before


def test_a_second_staff_member_acting_on_the_version_they_saw_is_refused(
    location, manager, make_member
):
    colleague = make_member(permissions=[Permission.MANAGE_ORDERS], locations=[location])
    order = place(location)
    seen = order.version  # both have the order page open

    accept_order(actor=manager, order_id=order.pk, expected_version=seen)
    after_first = snapshot(order)
    with pytest.raises(Conflict) as refused:
        cancel_order(
            actor=colleague, order_id=order.pk, expected_version=seen, reason="Closing early"
        )

    assert refused.value.code == "version_conflict"
    assert refused.value.status == 409
    assert "Someone else changed this order" in refused.value.message
    assert "reserved" in refused.value.message
    assert snapshot(order) == after_first
    assert OrderEvent.objects.get(order=order).actor == manager


def test_a_stale_version_is_refused_even_for_an_allowed_transition(location, manager):
    order = place(location)
    before = snapshot(order)

    with pytest.raises(Conflict):
        accept_order(actor=manager, order_id=order.pk, expected_version=order.version + 1)

    assert snapshot(order) == before


def test_staff_without_manage_orders_are_refused_and_nothing_changes(location, make_member):
    viewer = make_member(permissions=[Permission.VIEW_ORDERS], locations=[location])
    order = place(location)
    before = snapshot(order)

    for move, _target in SERVICES.values():
        with pytest.raises(PermissionDenied) as refused:
            move(actor=viewer, order_id=order.pk, expected_version=1)
        assert "Manage orders" in refused.value.message

    assert snapshot(order) == before


def test_staff_of_another_location_are_refused_and_nothing_changes(location, make_member):
    elsewhere = make_member(
        permissions=[Permission.MANAGE_ORDERS], locations=[LocationFactory(name="Lyon")]
    )
    order = place(location)
    before = snapshot(order)

    with pytest.raises(PermissionDenied) as refused:
        accept_order(actor=elsewhere, order_id=order.pk, expected_version=1)

    assert "not set up to work at this location" in refused.value.message
    assert snapshot(order) == before


def test_a_deactivated_member_is_refused(location, manager):
    order = place(location)
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        accept_order(actor=manager, order_id=order.pk, expected_version=1)

    assert Fulfilment.objects.get(order=order).state == S.PROPOSED


def test_an_order_with_all_locations_access_can_be_moved_by_the_owner(location, owner):
    order = place(location)

    accept_order(actor=owner, order_id=order.pk, expected_version=1)

    assert Fulfilment.objects.get(order=order).state == S.RESERVED


def test_a_donation_has_no_fulfilment_to_move(location, manager):
    get_shop()
    donation = place_donation(
        idempotency_key="gift-1",
        location=location,
        amount=500,
        note="",
        contact=Contact(email="donor@example.com"),
        payment=paid(500),
        language="fr",
    )
    emails = OutgoingEmail.objects.count()

    with pytest.raises(DomainError) as refused:
        cancel_order(actor=manager, order_id=donation.pk, expected_version=1, reason="Oops")

    assert refused.value.code == "no_fulfilment"
    assert OutgoingEmail.objects.count() == emails
    assert not OrderEvent.objects.exists()


# --- cancelling --------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_keeps_it(location, manager):
    order = place(location)
    before = snapshot(order)

    with pytest.raises(InvalidInput) as refused:
        cancel_order(actor=manager, order_id=order.pk, expected_version=1, reason="   ")
    assert "reason" in refused.value.errors
    with pytest.raises(InvalidInput):
        cancel_order(actor=manager, order_id=order.pk, expected_version=1, reason="x" * 101)
    assert snapshot(order) == before

    cancel_order(
        actor=manager, order_id=order.pk, expected_version=1, reason="  Oven   broken down "
    )

    assert Fulfilment.objects.get(order=order).cancel_reason == "Oven broken down"


def test_a_partner_order_cannot_be_cancelled_from_comptoir(location, manager):
    order = place(location, source=OrderSource.PARTNER)
    before = snapshot(order)

    with pytest.raises(PartnerOrderRefused) as refused:
        cancel_order(actor=manager, order_id=order.pk, expected_version=1, reason="No rider")

    assert "cancel it there" in refused.value.message
    assert "partner platform" in refused.value.message
    assert snapshot(order) == before


def test_a_partner_order_is_accepted_without_emailing_the_customer(location, manager):
    order = place(location, source=OrderSource.PARTNER)
    emails = OutgoingEmail.objects.count()

    done = accept_order(actor=manager, order_id=order.pk, expected_version=1)

    assert done.email is None
    assert OutgoingEmail.objects.count() == emails


def test_cancelling_takes_the_order_out_of_the_customers_spending(location, manager):
    kept = place(location)
    cancelled = place(location)
    spending = CustomerSpending.objects.get(customer=kept.customer)
    assert (spending.order_count, spending.total_spent) == (2, 1200)

    cancel_order(actor=manager, order_id=cancelled.pk, expected_version=1, reason="Sold out")

    spending.refresh_from_db()
    assert (spending.order_count, spending.total_spent) == (2, 600)
    assert Order.objects.get(pk=cancelled.pk).state == OrderState.CANCELLED


# --- the customer's emails ----------------------------------------------------------


def last_email():
    return OutgoingEmail.objects.order_by("-id").first()


def test_accepted_and_ready_for_pickup_emails_in_french(location, manager):
    order = place(location, language="fr")

    accepted = accept_order(actor=manager, order_id=order.pk, expected_version=1).email
    ready = mark_order_ready(actor=manager, order_id=order.pk, expected_version=2).email

    assert accepted.kind == "order_accepted"
    assert (accepted.to_address, accepted.language) == ("camille@example.com", "fr")
    assert order.number in accepted.subject
    assert "Bonjour Camille" in accepted.text_body
    assert "Suivez votre commande" in accepted.text_body
    assert f"/orders/{order.number}/status/{order.status_token}/" in accepted.text_body
    assert ready.kind == "order_ready_for_pickup"
    assert ready.language == "fr"
    assert "Suivre votre commande" in ready.html_body
    assert get_shop().primary_colour in ready.html_body
    assert OrderEvent.objects.get(order=order, kind="ready").detail["email_id"] == ready.pk


def test_emails_in_english_for_a_customer_who_ordered_in_english(location, manager):
    shop = get_shop()
    shop.publishes_both_languages = True
    shop.save(update_fields=["publishes_both_languages"])
    order = place(location, language="en", email="sam@example.com")

    accepted = accept_order(actor=manager, order_id=order.pk, expected_version=1).email
    ready = mark_order_ready(actor=manager, order_id=order.pk, expected_version=2).email

    assert accepted.language == "en"
    assert accepted.subject == f"{shop.name}: your order {order.number} is being prepared"
    assert "Martyrs has accepted your order" in accepted.text_body
    assert ready.subject == f"{shop.name}: your order {order.number} is ready for pickup"
    assert "is ready for pickup at Martyrs" in ready.text_body
    assert "<html" in ready.html_body


def test_a_delivery_ready_is_out_for_delivery(location, manager, english_shop):
    order = place(location, fulfilment=DELIVERY, language="en")
    put_in(order, S.RESERVED)

    email = mark_order_ready(actor=manager, order_id=order.pk, expected_version=1).email

    assert email.kind == "order_out_for_delivery"
    assert "out for delivery" in email.subject
    assert "3 rue Lepic" in email.text_body


def test_a_shipment_ready_is_shipped_with_its_carrier_and_tracking_number(
    location, manager, english_shop
):
    order = place(location, fulfilment=SHIPMENT, language="en")
    put_in(order, S.RESERVED)
    Fulfilment.objects.filter(order=order).update(carrier="Colissimo", tracking_number="6A123")

    email = mark_order_ready(actor=manager, order_id=order.pk, expected_version=1).email

    assert email.kind == "order_shipped"
    assert "has shipped" in email.subject
    assert "Carrier: Colissimo" in email.text_body
    assert "Tracking number: 6A123" in email.text_body
    assert "6A123" in email.html_body


def test_a_served_table_order_sends_no_email(location, manager):
    order = place(location, fulfilment=TABLE)
    put_in(order, S.RESERVED)
    emails = OutgoingEmail.objects.count()

    done = mark_order_ready(actor=manager, order_id=order.pk, expected_version=1)

    assert done.email is None
    assert OutgoingEmail.objects.count() == emails


def test_the_cancelled_email_gives_the_reason(location, manager, english_shop):
    order = place(location, language="en")

    email = cancel_order(
        actor=manager, order_id=order.pk, expected_version=1, reason="The oven broke down"
    ).email

    assert email.kind == "order_cancelled"
    assert "is cancelled" in email.subject
    assert "Reason: The oven broke down" in email.text_body
    assert "The oven broke down" in email.html_body


@pytest.mark.parametrize("move", [complete_order, fail_order])
def test_completing_or_failing_sends_no_email(location, manager, move):
    order = place(location)
    put_in(order, S.PREPARED)
    emails = OutgoingEmail.objects.count()

    assert move(actor=manager, order_id=order.pk, expected_version=1).email is None
    assert OutgoingEmail.objects.count() == emails


def test_a_refused_change_queues_no_email(location, manager):
    order = place(location)
    emails = OutgoingEmail.objects.count()

    with pytest.raises(Conflict):
        accept_order(actor=manager, order_id=order.pk, expected_version=7)

    assert OutgoingEmail.objects.count() == emails
    assert Order.objects.get(pk=order.pk).updated_at <= timezone.now()


# --- two staff members at the same instant (PostgreSQL) -----------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_acting_at_the_same_instant_cannot_both_win(make_member):
    skip_unless_postgres()
    get_shop()
    location = LocationFactory(preparation_minutes=20, fulfilment_types=ALL_OFFERS)
    members = [
        make_member(permissions=[Permission.MANAGE_ORDERS], locations=[location]) for _ in range(4)
    ]
    order = place(location)
    emails = OutgoingEmail.objects.count()

    def act(n: int) -> str:
        if n % 2:
            accept_order(actor=members[n], order_id=order.pk, expected_version=1)
            return "accepted"
        cancel_order(actor=members[n], order_id=order.pk, expected_version=1, reason="Closed")
        return "cancelled"

    outcomes = run_at_once(len(members), act)

    won = [o for o in outcomes if o in ("accepted", "cancelled")]
    assert len(won) == 1, outcomes
    assert all("version_conflict" in o or "Someone else" in o for o in outcomes if o not in won)
    order.refresh_from_db()
    fulfilment = Fulfilment.objects.get(order=order)
    assert order.version == 2
    assert fulfilment.state == {"accepted": S.RESERVED, "cancelled": S.CANCELLED}[won[0]]
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert OutgoingEmail.objects.count() == emails + 1


def test_an_address_the_outbox_refuses_does_not_stop_the_change(location, manager):
    order = place(location)
    Order.objects.filter(pk=order.pk).update(email="not-an-address")

    done = accept_order(actor=manager, order_id=order.pk, expected_version=1)

    assert done.email is None
    assert Fulfilment.objects.get(order=order).state == S.RESERVED
    assert "email_id" not in OrderEvent.objects.get(order=order).detail
