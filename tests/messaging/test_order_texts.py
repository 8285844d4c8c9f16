"""Shoppers who ticked "text me about this order" get its status changes by text
(accepted, ready / out for delivery / shipped with tracking, cancelled), as ORDER_UPDATE
messages linked to the order; nobody else does, and never a number that replied STOP."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from comptoir.consent.services import opt_out, subscription_for
from comptoir.messaging.models import Channel, Message, MessageKind, MessageStatus
from comptoir.orders.fulfilment import accept_order, cancel_order, mark_order_ready
from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderSource
from comptoir.orders.services import Contact, FulfilmentChoice
from comptoir.orders.states import IllegalTransition
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

S = FulfilmentState
PHONE = "+33611223344"
CONSENT = "Text me about this order"
DELIVERY = FulfilmentChoice(
    type="delivery", address_line1="3 rue Lepic", postal_code="75018", city="Paris"
)
SHIPMENT = FulfilmentChoice(
    type="shipment", address_line1="8 quai Rambaud", postal_code="69002", city="Lyon"
)


@pytest.fixture(autouse=True)
def _english():
    shop = get_shop()
    shop.name = "Boulangerie Martin"
    shop.published_language = "en"
    shop.save()
    with translation.override("en"):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", fulfilment_types=[o.value for o in Offer])


@pytest.fixture
def manager(make_member, location):
    return make_member(permissions=[Permission.MANAGE_ORDERS])


def place(location, *, texts=True, fulfilment=PICKUP):
    return checkout(
        location,
        [(stocked(location, price=300), 2)],
        fulfilment=fulfilment,
        contact=Contact(email="camille@example.com", first_name="Camille", phone=PHONE),
        sms_consent=CONSENT if texts else None,
        language="en",
    )


def updates(order):
    return list(Message.objects.filter(order=order, kind=MessageKind.ORDER_UPDATE).order_by("pk"))


def move(callbacks, service, manager, order, **kwargs):
    order.refresh_from_db()
    with callbacks(execute=True):
        service(actor=manager, order_id=order.pk, expected_version=order.version, **kwargs)


def test_each_status_change_is_texted_with_consent(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    move(django_capture_on_commit_callbacks, mark_order_ready, manager, order)

    accepted, ready = updates(order)
    assert accepted.channel == Channel.SMS and accepted.to_address == PHONE
    assert accepted.status == MessageStatus.QUEUED  # the messaging task sends it
    assert accepted.body.startswith(
        f"Boulangerie Martin: your order {order.number} is accepted and being prepared."
    )
    assert order.status_token in accepted.body  # the status page's link
    assert ready.body.startswith(
        f"Boulangerie Martin: your order {order.number} is ready for pickup."
    )


def test_a_delivery_is_texted_out_for_delivery(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location, fulfilment=DELIVERY)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    move(django_capture_on_commit_callbacks, mark_order_ready, manager, order)
    assert "is out for delivery" in updates(order)[-1].body


def test_a_shipment_is_texted_with_its_tracking(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location, fulfilment=SHIPMENT)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    Fulfilment.objects.filter(order=order).update(carrier="Colissimo", tracking_number="6A123")
    move(django_capture_on_commit_callbacks, mark_order_ready, manager, order)
    assert (
        f"your order {order.number} has shipped (Colissimo, tracking 6A123)"
        in updates(order)[-1].body
    )


def test_a_cancellation_is_texted_with_its_reason(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location)
    move(django_capture_on_commit_callbacks, cancel_order, manager, order, reason="Oven broken")
    (cancelled,) = updates(order)
    assert f"your order {order.number} is cancelled: Oven broken." in cancelled.body


def test_no_text_without_consent(location, manager, django_capture_on_commit_callbacks):
    order = place(location, texts=False)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    move(django_capture_on_commit_callbacks, mark_order_ready, manager, order)
    assert updates(order) == []
    assert not Message.objects.filter(channel=Channel.SMS).exists()


def test_no_text_after_stop(location, manager, django_capture_on_commit_callbacks):
    order = place(location)
    with transaction.atomic():
        sub = subscription_for(PHONE, order.customer)
        opt_out(sub=sub, customer=order.customer, reply="STOP", provider_message_id="SM1")
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    assert updates(order) == []
    # The change itself went through.
    assert Fulfilment.objects.get(order=order).state == S.RESERVED


def test_partner_orders_are_not_texted(location, manager, django_capture_on_commit_callbacks):
    order = place(location)
    Order.objects.filter(pk=order.pk).update(source=OrderSource.PARTNER)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    assert updates(order) == []


def test_nothing_is_texted_when_the_change_is_refused(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IllegalTransition):
        mark_order_ready(actor=manager, order_id=order.pk, expected_version=order.version)
    assert updates(order) == []
