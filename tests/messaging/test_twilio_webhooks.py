"""Twilio's webhooks: the X-Twilio-Signature computed with the real ``twilio`` validator
is accepted (also behind a reverse proxy, against the public URL Twilio called), a
missing or bad one gets 403 with nothing done; inbound texts join the customer's one
conversation (or create the customer), once per MessageSid; status callbacks update the
message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.consent.models import ReceivedText, TextSubscription
from comptoir.customers.models import Customer
from comptoir.messaging.delivery import deliver_message
from comptoir.messaging.models import Channel, Direction, Message, MessageKind, MessageStatus
from comptoir.messaging.services import conversation_for, send_message
from tests.consent import fixtures
from tests.consent.fixtures import MOBILE, apply_stored_texts, messages_of, new_sid, sign
from tests.factories import CustomerFactory

# The consent tests' fixtures (tests/consent/fixtures.py), used here by name.
_english = fixtures._english
customer = fixtures.customer
shop = fixtures.shop
text_in = fixtures.text_in
twilio_settings = fixtures.twilio_settings

INBOUND = "/webhooks/twilio/sms/"
STATUS = "/webhooks/twilio/status/"


def inbound_params(body="Hello", from_=MOBILE, sid=None) -> dict[str, str]:
    return {
        "MessageSid": sid or new_sid(),
        "AccountSid": "AC" + "1" * 32,
        "From": from_,
        "To": "+33700000000",
        "Body": body,
        "NumMedia": "0",
        "SmsStatus": "received",
    }


def test_the_routes_are_named():
    assert reverse("twilio_inbound_sms") == INBOUND
    assert reverse("twilio_status_callback") == STATUS


def test_a_correctly_signed_text_is_accepted_with_empty_twiml(twilio_settings, shop, customer):
    params = inbound_params("Bonjour, vous êtes ouverts ?")
    signature = sign("http://testserver" + INBOUND, params)

    response = Client().post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response></Response>")
    assert apply_stored_texts() == 1
    (message,) = messages_of(customer)
    assert (message.direction, message.channel, message.status) == (
        Direction.INBOUND,
        Channel.SMS,
        MessageStatus.RECEIVED,
    )
    assert message.body == "Bonjour, vous êtes ouverts ?"
    assert message.provider_message_id == params["MessageSid"]


@pytest.mark.parametrize(
    "signature",
    [
        None,  # unsigned
        "",
        "bm90IGEgc2lnbmF0dXJl",
        "wrong-token",  # signed with another auth token
        "other-url",  # signed for another address
        "tampered",  # the body changed after signing
    ],
)
def test_unsigned_or_badly_signed_requests_get_403_and_nothing_happens(
    signature, twilio_settings, shop
):
    params = inbound_params("STOP")
    url = "http://testserver" + INBOUND
    headers = {}
    if signature == "wrong-token":
        headers["HTTP_X_TWILIO_SIGNATURE"] = sign(url, params, token="another-token")
    elif signature == "other-url":
        headers["HTTP_X_TWILIO_SIGNATURE"] = sign("https://evil.example" + INBOUND, params)
    elif signature == "tampered":
        headers["HTTP_X_TWILIO_SIGNATURE"] = sign(url, params)
        params = {**params, "Body": "START"}
    elif signature is not None:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature

    response = Client().post(INBOUND, params, **headers)
    status = Client().post(STATUS, {"MessageSid": "SM1", "MessageStatus": "delivered"}, **headers)

    assert response.status_code == 403 and status.status_code == 403
    assert apply_stored_texts() == 0
    assert not ReceivedText.objects.exists()  # not even stored
    assert not Customer.objects.exists() and not Message.objects.exists()


def test_without_an_auth_token_configured_every_request_is_refused(twilio_settings, shop):
    params = inbound_params()
    signature = sign("http://testserver" + INBOUND, params)
    twilio_settings.TWILIO_AUTH_TOKEN = ""

    assert Client().post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 403


def test_behind_a_trusted_proxy_the_signature_of_the_public_url_holds(
    twilio_settings, shop, customer
):
    twilio_settings.USE_X_FORWARDED_HOST = True
    twilio_settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    twilio_settings.ALLOWED_HOSTS = ["testserver", "shop.example.com"]
    params = inbound_params("Hello from behind the proxy")
    # Twilio called the public https address; the app sees http://127.0.0.1:8000.
    signature = sign("https://shop.example.com" + INBOUND, params)

    response = Client().post(
        INBOUND,
        params,
        HTTP_HOST="127.0.0.1:8000",
        HTTP_X_FORWARDED_HOST="shop.example.com",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )

    assert response.status_code == 200
    apply_stored_texts()
    assert [m.body for m in messages_of(customer)] == ["Hello from behind the proxy"]


def test_an_untrusted_proxy_header_does_not_make_a_signature_valid(twilio_settings, shop):
    twilio_settings.ALLOWED_HOSTS = ["testserver", "shop.example.com"]
    params = inbound_params()
    signature = sign("https://shop.example.com" + INBOUND, params)

    response = Client().post(
        INBOUND,
        params,
        HTTP_X_FORWARDED_HOST="shop.example.com",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )

    assert response.status_code == 403


def test_the_configured_public_url_is_the_one_checked(twilio_settings, shop, customer):
    twilio_settings.COMPTOIR_PUBLIC_URL = "https://shop.example.com/"
    params = inbound_params("Via the public address")
    good = sign("https://shop.example.com" + INBOUND, params)
    local = sign("http://testserver" + INBOUND, params)

    assert Client().post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=local).status_code == 403
    assert Client().post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=good).status_code == 200
    apply_stored_texts()
    assert len(messages_of(customer)) == 1


def test_a_retried_webhook_is_applied_once(text_in, customer):
    text_in("Is it ready?", sid="SMretried")
    text_in("Is it ready?", sid="SMretried")
    text_in("STOP", sid="SMstopretried")
    text_in("STOP", sid="SMstopretried")

    bodies = [(m.direction, m.body) for m in messages_of(customer)]
    assert bodies.count((Direction.INBOUND, "Is it ready?")) == 1
    assert bodies.count((Direction.INBOUND, "STOP")) == 1
    assert len([b for b in bodies if b[0] == Direction.OUTBOUND]) == 1  # one confirmation


def test_a_text_from_an_unknown_number_creates_a_customer(text_in):
    text_in("Hi, do you deliver?", from_="+33687654321")

    customer = Customer.objects.get(mobile="+33687654321")
    assert [m.body for m in messages_of(customer)] == ["Hi, do you deliver?"]


def test_a_number_on_a_customer_known_by_email_joins_their_conversation(text_in, shop):
    customer = CustomerFactory(email="helene@example.com", mobile="", phone="+33611223344")
    conversation = conversation_for(customer)
    send_message(actor=None, customer=customer, channel=Channel.EMAIL, body="Your receipt")

    text_in("Thanks!", from_="+33611223344")

    assert Customer.objects.count() == 1
    assert [(m.channel, m.body) for m in conversation.messages.order_by("id")] == [
        (Channel.EMAIL, "Your receipt"),
        (Channel.SMS, "Thanks!"),
    ]


# --- status callbacks ----------------------------------------------------------------


def sent_text(customer) -> Message:
    message = send_message(
        actor=None, customer=customer, channel=Channel.SMS, body="Ready", kind=MessageKind.CONSENT
    )
    assert deliver_message(message.pk, last_attempt=True) == "sent"
    message.refresh_from_db()
    return message


def post_status(sid: str, status: str, **extra: str):
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "1" * 32, **extra}
    return Client().post(
        STATUS, params, HTTP_X_TWILIO_SIGNATURE=sign("http://testserver" + STATUS, params)
    )


def test_a_delivered_callback_marks_the_message_delivered(twilio_settings, shop, customer):
    message = sent_text(customer)

    assert post_status(message.provider_message_id, "sent").status_code == 200
    assert post_status(message.provider_message_id, "delivered").status_code == 200

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None


def test_a_failed_callback_shows_the_reason_in_words(twilio_settings, shop, customer):
    message = sent_text(customer)

    response = post_status(
        message.provider_message_id,
        "undelivered",
        ErrorCode="30003",
        ErrorMessage="Unreachable destination handset",
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.error_code == "30003"
    assert "unreachable" in message.error_message.lower()


def test_a_callback_for_an_unknown_message_is_ignored(twilio_settings, shop):
    assert post_status("SMunknown", "delivered").status_code == 200


def test_a_text_refused_because_the_number_replied_stop_to_the_provider_stops_it_here(
    twilio_settings, shop, customer
):
    message = sent_text(customer)

    post_status(
        message.provider_message_id,
        "failed",
        ErrorCode="21610",
        ErrorMessage="Attempt to send to unsubscribed recipient",
    )

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "opted out" in message.error_message
    sub = TextSubscription.objects.get(number=MOBILE)
    assert sub.opted_out_at is not None
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1  # no confirmation
