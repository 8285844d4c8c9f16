"""Fixtures for text consent and the Twilio webhooks (imported by tests/consent/conftest.py
and by tests/messaging/test_twilio_webhooks*.py): a verified business, the shop with a
contact, a customer with a mobile, and ``text_in``: an inbound text posted to the
webhook, signed with the real ``twilio`` RequestValidator, and applied as the worker
would."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from twilio.request_validator import RequestValidator

from comptoir.consent.models import ReceivedText
from comptoir.messaging.models import BusinessVerification, Message
from comptoir.messaging.sms_inbound import apply_inbound_texts
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

AUTH_TOKEN = "twilio-auth-token-for-tests"
MOBILE = "+33612345678"
SHOP_NUMBER = "+33700000000"
_sids = itertools.count(1)


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def new_sid(prefix: str = "SM") -> str:
    return f"{prefix}{next(_sids):032x}"


def messages_of(customer) -> list[Message]:
    return list(
        Message.objects.filter(conversation__customer=customer).order_by("created_at", "id")
    )


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English source texts, whatever the .po files say."""
    with translation.override("en"):
        yield


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.COMPTOIR_PUBLIC_URL = ""
    settings.COMPTOIR_SMS_BACKEND = "development"
    return settings


@pytest.fixture
def shop(db):
    shop = get_shop()
    shop.name = "Salon Lumière"
    shop.published_language = "en"
    shop.contact_phone = "+33140000000"
    shop.contact_email = "bonjour@salon.example"
    shop.save()
    return shop


@pytest.fixture
def verified_business(db):
    return BusinessVerification.objects.create(
        legal_name="Salon Lumière SARL",
        registration_number="73282932000074",
        country="FR",
        address="1 rue des Martyrs, 75009 Paris",
        owner_name="Anne Owner",
        verified_at=timezone.now(),
    )


@pytest.fixture
def messenger(make_member, verified_business, shop):
    """A team member who may message customers, in a verified business."""
    return make_member(
        permissions=[Permission.MESSAGE_CUSTOMERS, Permission.VIEW_CUSTOMERS],
        user__language="en",
    )


@pytest.fixture
def customer(db):
    return CustomerFactory(first_name="Hélène", last_name="Martin", mobile=MOBILE, language="en")


@pytest.fixture
def text_in(twilio_settings, shop):
    """``text_in(body, from_=MOBILE, sid=None)``: the provider posts an inbound text."""
    client = Client()

    def post(body: str, from_: str = MOBILE, sid: str | None = None, **extra: str):
        url = "http://testserver" + reverse("twilio_inbound_sms")
        params = {
            "MessageSid": sid or new_sid(),
            "AccountSid": "AC" + "0" * 32,
            "From": from_,
            "To": SHOP_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            **extra,
        }
        response = client.post(
            reverse("twilio_inbound_sms"), params, HTTP_X_TWILIO_SIGNATURE=sign(url, params)
        )
        assert response.status_code == 200, response.content
        apply_stored_texts()
        return response

    return post


def apply_stored_texts() -> int:
    """What ``comptoir worker`` does after the webhook stored texts: the task applying
    the waiting texts of each number, run here in the test's transaction (the worker
    itself is exercised in tests/messaging/test_inbound_text_queue.py)."""
    numbers = (
        ReceivedText.objects.filter(applied_at__isnull=True)
        .values_list("from_number", flat=True)
        .distinct()
    )
    return sum(apply_inbound_texts.call(number) for number in list(numbers))
