"""An order update sent by text that the provider later reports failed or undelivered
(Twilio's status callback, signed with the real ``RequestValidator``) is sent by email
instead, once: the same email the order would have sent on the email channel, in the
customer's language, written in the conversation and on the order's timeline. Never for
a delivered text, never twice, never without an address, never for other texts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from twilio.request_validator import RequestValidator

from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.delivery import SENDING_LEASE, deliver_message
from comptoir.messaging.failed_updates import FAILED_TEXT_EMAILED
from comptoir.messaging.models import Channel, Direction, Message, MessageKind, MessageStatus
from comptoir.messaging.services import send_message
from comptoir.messaging.sms_inbound import receive_text
from comptoir.orders.fulfilment import accept_order, cancel_order, mark_order_ready
from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderEvent
from comptoir.orders.services import Contact, FulfilmentChoice
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import LocationFactory
from tests.messaging.twilio_standin import AUTH_TOKEN
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

S = FulfilmentState
PHONE = "+33611223344"
EMAIL = "camille@example.com"
PUBLIC = "https://shop.example.com"
STATUS = "/webhooks/twilio/status/"
DELIVERY = FulfilmentChoice(
    type="delivery", address_line1="3 rue Lepic", postal_code="75018", city="Paris"
)
SHIPMENT = FulfilmentChoice(
    type="shipment", address_line1="8 quai Rambaud", postal_code="69002", city="Lyon"
)
UPDATE_KINDS = ["order_accepted", "order_ready_for_pickup", "order_out_for_delivery"]
UPDATE_KINDS += ["order_shipped", "order_cancelled"]


@pytest.fixture(autouse=True)
def _setup(twilio_standin, immediate_tasks, settings):
    """Texts go to the Twilio stand-in (the real client library), tasks run at once,
    and Twilio calls the shop's public address back."""
    settings.COMPTOIR_PUBLIC_URL = PUBLIC
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


def place(location, *, texts=True, fulfilment=PICKUP, language="en"):
    return checkout(
        location,
        [(stocked(location, price=300), 2)],
        fulfilment=fulfilment,
        contact=Contact(email=EMAIL, first_name="Camille", phone=PHONE),
        sms_consent="Text me about this order" if texts else None,
        language=language,
    )


def move(callbacks, service, manager, order, **kwargs):
    """A staff change of ``order``; its text is sent (after commit) to the stand-in."""
    order.refresh_from_db()
    with callbacks(execute=True):
        service(actor=manager, order_id=order.pk, expected_version=order.version, **kwargs)


def update_text(order) -> Message:
    (text,) = Message.objects.filter(
        order=order, kind=MessageKind.ORDER_UPDATE, channel=Channel.SMS
    ).order_by("-pk")[:1]
    return text


def update_emails(order=None) -> list[OutgoingEmail]:
    emails = OutgoingEmail.objects.filter(kind__in=UPDATE_KINDS)
    if order is not None:
        emails = emails.filter(text_body__contains=order.number)
    return list(emails.order_by("pk"))


def report(sid: str, status: str, **extra: str):
    """Twilio's status callback for ``sid``, signed as Twilio signs it, for the public
    address it was given."""
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, **extra}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + STATUS, params)
    response = Client().post(STATUS, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200, response.content
    return response


UNREACHABLE = {"ErrorCode": "30003", "ErrorMessage": "Unreachable destination handset"}


def test_a_failed_update_text_is_sent_by_email_once(
    location, manager, twilio_standin, django_capture_on_commit_callbacks
):
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    text = update_text(order)
    assert text.status == MessageStatus.SENT and text.update_state == S.RESERVED
    # The provider was told where to report, the address posted to below.
    assert twilio_standin.delivered[-1]["status_callback"] == PUBLIC + STATUS
    assert update_emails(order) == []

    with django_capture_on_commit_callbacks(execute=True):
        report(text.provider_message_id, "sent")
        report(text.provider_message_id, "undelivered", **UNREACHABLE)
    # The same report again, then "failed" after "undelivered": nothing more.
    report(text.provider_message_id, "undelivered", **UNREACHABLE)
    report(text.provider_message_id, "failed", ErrorCode="30008")

    text.refresh_from_db()
    assert text.status == MessageStatus.FAILED and text.error_code == "30003"
    (email,) = update_emails(order)
    assert (email.kind, email.to_address, email.language) == ("order_accepted", EMAIL, "en")
    # Sent through the outbox (the task ran after commit).
    (sent,) = [m for m in mail.outbox if m.extra_headers["Message-ID"] == email.provider_message_id]
    assert sent.to == [EMAIL] and order.number in sent.body

    # The conversation says it went by email, linked to the order, threaded by its id.
    emailed = Message.objects.get(order=order, kind=MessageKind.ORDER_UPDATE, channel="email")
    assert emailed.direction == Direction.OUTBOUND
    assert emailed.email_message_id == email.provider_message_id
    assert emailed.conversation_id == text.conversation_id
    assert "sent by email: the text could not be delivered" in emailed.body
    # The order's timeline too.
    (event,) = OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED)
    assert event.detail == {"state": S.RESERVED, "message_id": text.pk, "email_id": email.pk}


def test_the_conversation_shows_the_failed_text_and_the_email(
    location, manager, django_capture_on_commit_callbacks, verified_business, messaging_client
):
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    text = update_text(order)
    report(text.provider_message_id, "failed", ErrorCode="21211")

    conversation = text.conversation
    page = messaging_client.get(
        reverse("dashboard:message_conversation", args=[conversation.customer_id])
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "The phone number is not valid." in html
    assert f"Update on order {order.number} sent by email" in html


@pytest.mark.parametrize(
    ("fulfilment", "moves"),
    [
        (PICKUP, [accept_order, mark_order_ready]),
        (DELIVERY, [accept_order, mark_order_ready]),
        (SHIPMENT, [accept_order, mark_order_ready]),
        (PICKUP, [cancel_order]),
    ],
    ids=["ready for pickup", "out for delivery", "shipped", "cancelled"],
)
def test_the_email_is_the_one_the_order_sends_on_the_email_channel(
    fulfilment, moves, location, manager, django_capture_on_commit_callbacks
):
    by_email = place(location, texts=False, fulfilment=fulfilment)
    by_text = place(location, fulfilment=fulfilment)
    for service in moves:
        extra = {"reason": "Oven broken"} if service is cancel_order else {}
        for order in (by_email, by_text):
            if fulfilment is SHIPMENT and service is mark_order_ready:
                Fulfilment.objects.filter(order=order).update(carrier="Colissimo")
            move(django_capture_on_commit_callbacks, service, manager, order, **extra)
    expected = update_emails(by_email)[-1]
    assert update_emails(by_text) == []

    report(update_text(by_text).provider_message_id, "failed", ErrorCode="21211")

    email = update_emails(by_text)[-1]
    assert email.kind == expected.kind
    assert email.subject == expected.subject.replace(by_email.number, by_text.number)
    assert email.text_body.replace(by_text.number, "N").replace(
        by_text.status_token, "T"
    ) == expected.text_body.replace(by_email.number, "N").replace(by_email.status_token, "T")


def test_the_email_is_in_the_customers_language(
    location, manager, django_capture_on_commit_callbacks
):
    shop = get_shop()
    shop.publishes_both_languages = True
    shop.save()
    order = place(location, language="fr")
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    text = update_text(order)

    report(text.provider_message_id, "failed", ErrorCode="21211")

    (email,) = update_emails(order)
    assert email.language == "fr"
    emailed = Message.objects.get(order=order, channel=Channel.EMAIL, kind=MessageKind.ORDER_UPDATE)
    with translation.override("fr"):
        assert emailed.subject == email.subject


def test_a_delivered_text_is_never_replaced(location, manager, django_capture_on_commit_callbacks):
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    text = update_text(order)

    report(text.provider_message_id, "delivered")
    report(text.provider_message_id, "failed", ErrorCode="30008")

    text.refresh_from_db()
    assert text.status == MessageStatus.DELIVERED
    assert update_emails(order) == []
    assert not OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED).exists()


def test_no_email_when_the_order_has_no_address(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location)
    Order.objects.filter(pk=order.pk).update(email="")
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    text = update_text(order)

    report(text.provider_message_id, "undelivered", **UNREACHABLE)

    text.refresh_from_db()
    # The conversation shows the failure and its reason; nothing else is sent.
    assert text.status == MessageStatus.FAILED
    with translation.override("en"):
        assert "unreachable" in text.failure_reason
    assert update_emails() == []
    assert not Message.objects.filter(conversation=text.conversation, channel="email").exists()


def test_other_failed_texts_are_not_emailed(location, manager, django_capture_on_commit_callbacks):
    order = place(location)
    receipt = Message.objects.get(order=order, kind=MessageKind.RECEIPT, channel=Channel.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        staff_text = send_message(
            actor=None, customer=order.customer, channel=Channel.SMS, body="See you soon"
        )
    deliver_message(receipt.pk, last_attempt=True)
    receipt.refresh_from_db()
    staff_text.refresh_from_db()
    before = OutgoingEmail.objects.count()

    report(receipt.provider_message_id, "failed", ErrorCode="21211")
    report(staff_text.provider_message_id, "failed", ErrorCode="21211")

    assert OutgoingEmail.objects.count() == before
    assert Message.objects.filter(status=MessageStatus.FAILED).count() == 2


def test_a_late_report_on_an_earlier_update_sends_no_email_after_the_later_one(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    accepted = update_text(order)
    move(django_capture_on_commit_callbacks, mark_order_ready, manager, order)
    ready = update_text(order)

    # The reports come in the other order: "ready" first, "accepted" minutes later.
    report(ready.provider_message_id, "failed", ErrorCode="21211")
    report(accepted.provider_message_id, "undelivered", **UNREACHABLE)

    accepted.refresh_from_db()
    assert accepted.status == MessageStatus.FAILED  # shown failed in the conversation
    assert [email.kind for email in update_emails(order)] == ["order_ready_for_pickup"]
    (event,) = OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED)
    assert event.detail["message_id"] == ready.pk


def test_no_ready_email_once_the_order_is_cancelled(
    location, manager, django_capture_on_commit_callbacks
):
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    move(django_capture_on_commit_callbacks, mark_order_ready, manager, order)
    ready = update_text(order)
    # The customer replies STOP, then the order is cancelled: told by email.
    receive_text(provider_message_id="SMstop", from_number=PHONE, body="STOP")
    move(django_capture_on_commit_callbacks, cancel_order, manager, order, reason="Oven broken")
    assert [email.kind for email in update_emails(order)] == ["order_cancelled"]

    report(ready.provider_message_id, "failed", ErrorCode="21211")

    # No "ready for pickup" after "cancelled".
    assert [email.kind for email in update_emails(order)] == ["order_cancelled"]
    assert not OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED).exists()


def _taken_over_while_sending(order, then=None):
    """The first attempt at ``order``'s update text waits on the provider past its lease:
    meanwhile another worker claims the text and sends it (in the stand-in's thread, on
    its own connection); ``then`` runs before the first attempt is answered."""

    def another_worker() -> None:
        text = update_text(order)
        late = timezone.now() - SENDING_LEASE - timedelta(seconds=1)
        Message.objects.filter(pk=text.pk).update(sending_since=late)
        deliver_message(text.pk, last_attempt=True)
        if then is not None:
            then()
        connections.close_all()

    return another_worker


@pytest.mark.django_db(transaction=True)
def test_a_text_taken_over_by_another_worker_fails_and_is_emailed_once(
    location, manager, twilio_standin
):
    order = place(location)
    twilio_standin.reject(PHONE, 21211)  # both attempts are refused
    twilio_standin.before_answer = _taken_over_while_sending(order)

    accept_order(actor=manager, order_id=order.pk, expected_version=order.version)

    text = update_text(order)
    assert (text.status, text.error_code) == (MessageStatus.FAILED, "21211")
    assert [email.kind for email in update_emails(order)] == ["order_accepted"]
    assert OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_text_another_worker_sent_is_not_put_back_in_the_queue_by_the_first(
    location, manager, twilio_standin
):
    order = place(location)
    sent_before = len(twilio_standin.delivered)
    # The other worker's send goes through; the first attempt then gets a 503.
    twilio_standin.before_answer = _taken_over_while_sending(
        order, then=lambda: twilio_standin.outage(1)
    )

    accept_order(actor=manager, order_id=order.pk, expected_version=order.version)

    text = update_text(order)
    assert text.status == MessageStatus.SENT and text.provider_message_id
    assert len(twilio_standin.delivered) == sent_before + 1  # sent once, not again
    assert update_emails(order) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reports_arriving_together_send_one_email(
    location, manager, django_capture_on_commit_callbacks
):
    skip_unless_postgres()
    order = place(location)
    move(django_capture_on_commit_callbacks, accept_order, manager, order)
    sid = update_text(order).provider_message_id

    outcomes = run_at_once(
        4,
        lambda n: report(sid, ("failed", "undelivered")[n % 2], ErrorCode="30003").status_code,
    )

    assert outcomes == [200] * 4, outcomes
    assert len(update_emails(order)) == 1
    assert OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED).count() == 1
    emailed = Message.objects.filter(order=order, kind=MessageKind.ORDER_UPDATE, channel="email")
    assert emailed.count() == 1


def test_an_update_text_refused_when_sent_is_sent_by_email_and_shown_on_the_order(
    location, manager, twilio_standin, django_capture_on_commit_callbacks, staff_client
):
    # Twilio refuses the number when the text is created (no status callback will come).
    twilio_standin.reject(PHONE, 21211)
    order = place(location)

    move(django_capture_on_commit_callbacks, accept_order, manager, order)

    text = update_text(order)
    assert (text.status, text.error_code) == (MessageStatus.FAILED, "21211")
    (email,) = update_emails(order)
    assert (email.kind, email.to_address) == ("order_accepted", EMAIL)
    (event,) = OrderEvent.objects.filter(order=order, kind=FAILED_TEXT_EMAILED)
    assert event.detail["message_id"] == text.pk
    client = staff_client(Permission.VIEW_ORDERS, user__language="en")
    page = client.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "Text not delivered: update sent by email" in page
