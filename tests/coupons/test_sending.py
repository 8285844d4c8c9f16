"""A coupon sent from a conversation: a single-use code, sent as a marketing message
(kind coupon) by email to a customer who accepts promotional email, or by text once
the customer confirmed both steps of the marketing double opt-in; refused with the
reason (and nothing created) otherwise, and to members without the messaging
permission."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comptoir.consent.services import request_marketing_opt_in
from comptoir.coupons.models import Coupon, CouponKind
from comptoir.coupons.services import create_and_send_coupon
from comptoir.messaging.models import Channel, Message, MessageKind, MessageStatus
from comptoir.messaging.sms_inbound import receive_text
from comptoir.team.permissions import Permission
from tests.coupons.helpers import make_coupon, verify_business
from tests.factories import CustomerFactory, LocationFactory, TeamMemberFactory
from tests.jobs.fixtures import run_worker  # noqa: F401 (a fixture)
from tests.orders.factories import checkout, stocked

MOBILE = "+33612345678"
_sids = itertools.count(1)


@pytest.fixture
def shop(english_shop, settings):
    english_shop.name = "Boulangerie des Martyrs"
    english_shop.save(update_fields=["name"])
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example"
    settings.COMPTOIR_SMS_BACKEND = "development"
    verify_business()
    return english_shop


@pytest.fixture
def messenger(staff_client, shop):
    return staff_client(Permission.MESSAGE_CUSTOMERS, user__language="en")


def customer(**fields):
    fields.setdefault("first_name", "Hélène")
    fields.setdefault("last_name", "Martin")
    fields.setdefault("language", "en")
    return CustomerFactory(**fields)


def in_a_week() -> str:
    return (timezone.localdate() + timedelta(days=7)).isoformat()


def send(client, who, **fields):
    data = {"channel": "email", "kind": "amount", "amount": "10", "valid_until": in_a_week()}
    data.update(fields)
    return client.post(f"{reverse('dashboard:coupon_new')}?customer={who.pk}", data)


@pytest.mark.django_db
def test_a_coupon_is_created_and_sent_by_email(messenger):
    helene = customer(email="helene@example.com", accepts_marketing=True)
    page = messenger.get(f"{reverse('dashboard:coupon_new')}?customer={helene.pk}")
    assert page.status_code == 200 and "Send a coupon to Hélène Martin" in page.content.decode()

    answer = send(messenger, helene, amount="10")

    assert answer.status_code == 302
    assert answer.url == reverse("dashboard:message_conversation", args=[helene.pk])
    coupon = Coupon.objects.get()
    assert (coupon.customer, coupon.kind, coupon.amount_off, coupon.currency) == (
        helene,
        CouponKind.AMOUNT,
        1000,
        "EUR",
    )
    assert len(coupon.code) >= 10 and set(coupon.code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    assert coupon.created_by == messenger.member
    message = coupon.message
    assert (message.channel, message.kind, message.is_marketing, message.status) == (
        Channel.EMAIL,
        MessageKind.COUPON,
        True,
        MessageStatus.QUEUED,
    )
    assert message.conversation.customer == helene
    assert coupon.display_code in message.body and "€10.00 off" in message.body
    assert "https://shop.example/" in message.body
    follow = messenger.get(f"{reverse('dashboard:coupon_new')}?customer={helene.pk}")
    assert coupon.display_code in follow.content.decode()


def test_the_coupon_email_reaches_the_customer(run_worker, settings, shop):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = TeamMemberFactory(permissions=[Permission.MESSAGE_CUSTOMERS])
    helene = customer(email="helene@example.com", accepts_marketing=True)
    coupon = create_and_send_coupon(
        actor=member,
        customer=helene,
        channel=Channel.EMAIL,
        kind=CouponKind.PERCENT,
        percent_off=15,
        valid_until=date.today() + timedelta(days=30),
    )
    run_worker()

    [email] = mail.outbox
    assert email.to == ["helene@example.com"]
    assert coupon.display_code in email.body and "15% off" in email.body
    assert Message.objects.get().status == MessageStatus.SENT


@pytest.mark.django_db
def test_no_email_coupon_to_a_customer_refusing_promotional_email(messenger):
    helene = customer(email="helene@example.com", accepts_marketing=False)

    answer = send(messenger, helene)

    assert answer.status_code == 400
    assert answer.context["form"].non_field_errors() == [
        "Hélène Martin has not agreed to receive promotional email."
    ]
    assert not Coupon.objects.exists() and not Message.objects.exists()


@pytest.mark.django_db
def test_a_text_coupon_waits_for_the_double_opt_in(messenger):
    helene = customer(mobile=MOBILE)

    refused = send(messenger, helene, channel="sms")

    assert refused.status_code == 400
    [reason] = refused.context["form"].non_field_errors()
    assert reason.startswith("Marketing texts need the customer's double opt-in")
    assert not Coupon.objects.exists() and not Message.objects.exists()

    request_marketing_opt_in(actor=messenger.member, customer=helene)
    receive_text(provider_message_id=f"SM{next(_sids):032x}", from_number=MOBILE, body="yes")
    half_way = send(messenger, helene, channel="sms")
    assert half_way.status_code == 400 and not Coupon.objects.exists()
    receive_text(provider_message_id=f"SM{next(_sids):032x}", from_number=MOBILE, body="OUI")

    answer = send(messenger, helene, channel="sms", kind="percent", amount="", percent="20")

    assert answer.status_code == 302, answer.content.decode()
    coupon = Coupon.objects.get()
    assert coupon.percent_off == 20
    assert coupon.message.channel == Channel.SMS and coupon.message.is_marketing
    assert coupon.display_code in coupon.message.body


@pytest.mark.django_db
def test_refused_without_the_messaging_permission(staff_client, shop):
    helene = customer(email="helene@example.com", accepts_marketing=True)
    client = staff_client(Permission.VIEW_CUSTOMERS, Permission.MANAGE_ORDERS)

    answer = send(client, helene)

    assert answer.status_code == 403
    assert not Coupon.objects.exists() and not Message.objects.exists()


@pytest.mark.django_db
def test_values_are_checked_and_kept(messenger):
    helene = customer(email="helene@example.com", accepts_marketing=True)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    answer = send(messenger, helene, amount="abc")
    assert answer.status_code == 400
    assert answer.context["form"].errors["amount"] == ["Enter an amount like 10 or 7,50."]
    answer = send(messenger, helene, kind="percent", amount="", percent="")
    assert answer.context["form"].errors["percent"] == ["Enter the percentage off."]
    answer = send(messenger, helene, valid_until=yesterday)
    assert answer.status_code == 400
    assert answer.context["form"].errors["valid_until"] == ["Choose a date from today on."]
    assert answer.context["form"]["amount"].value() == "10"
    assert not Coupon.objects.exists()


@pytest.mark.django_db
def test_the_coupon_list_shows_redemptions(messenger):

    location = LocationFactory()
    order = checkout(location, [(stocked(location, price=500), 1)])
    coupon = make_coupon(customer(email="lou@example.com"), amount_off=300)
    Coupon.objects.filter(pk=coupon.pk).update(
        redeemed_at=timezone.now(), redeemed_order=order, amount_applied=300
    )

    page = messenger.get(reverse("dashboard:coupon_list")).content.decode()
    lines = messenger.get(
        f"{reverse('dashboard:coupon_lines')}?customer={coupon.customer_id}"
    ).content.decode()

    assert f"Coupon {coupon.display_code} redeemed on order #{order.number}" in page
    assert f"Coupon {coupon.display_code} redeemed on order #{order.number}" in lines
