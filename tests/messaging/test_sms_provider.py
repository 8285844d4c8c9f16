"""Texts through the real ``twilio`` client against the loopback stand-in: what is sent,
provider errors in words, an outage retried with backoff then sent exactly once, and
quiet hours for marketing texts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from comptoir.consent.models import MarketingOptIn, TextSubscription
from comptoir.messaging import services
from comptoir.messaging.models import Channel, Direction, Message, MessageKind, MessageStatus
from comptoir.messaging.quiet_hours import next_allowed, recipient_zone
from comptoir.messaging.sms import SmsSendError, get_sms_provider
from tests.factories import CustomerFactory
from tests.messaging.twilio_standin import FROM_NUMBER

MOBILE = "+33612345678"


def send_task() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path="comptoir.messaging.tasks.send_queued_message")


def outbound() -> Message:
    return Message.objects.get(direction=Direction.OUTBOUND)


def customer_who_texted(number: str = MOBILE):
    customer = CustomerFactory(mobile=number, email=None)
    services.record_inbound(
        customer=customer, channel=Channel.SMS, body="Hello", from_address=number
    )
    return customer


@pytest.mark.django_db
def test_twilio_provider_sends_through_the_official_client(twilio_standin, settings):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example"
    provider = get_sms_provider()

    sid = provider.send(MOBILE, "Votre commande est prête", "https://shop.example/cb/")

    [request] = twilio_standin.requests
    assert request.path == f"/2010-04-01/Accounts/{twilio_standin.account_sid}/Messages.json"
    assert request.params == {
        "To": MOBILE,
        "From": FROM_NUMBER,
        "Body": "Votre commande est prête",
        "StatusCallback": "https://shop.example/cb/",
    }
    assert sid == twilio_standin.delivered[0]["sid"] and sid.startswith("SM")


@pytest.mark.django_db
def test_permanent_provider_error_is_not_retryable_and_in_words(twilio_standin):
    twilio_standin.reject(MOBILE, 21211)
    with translation.override("en"), pytest.raises(SmsSendError) as error:
        get_sms_provider().send(MOBILE, "Hi")
    assert error.value.code == "21211"
    assert error.value.retryable is False
    assert error.value.message == "The phone number is not valid."


@pytest.mark.django_db
def test_outage_is_retryable(twilio_standin):
    twilio_standin.outage(1)
    with pytest.raises(SmsSendError) as error:
        get_sms_provider().send(MOBILE, "Hi")
    assert error.value.retryable is True


@pytest.mark.django_db
def test_queued_text_is_sent_with_the_status_callback_address(
    twilio_standin,
    settings,
    verified_business,
    messaging_member,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example/"
    customer = customer_who_texted()
    long_text = "Bonjour ! " * 40  # 400 characters: three segments, sent as one message

    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(
            actor=messaging_member, customer=customer, channel=Channel.SMS, body=long_text
        )

    message = outbound()
    assert message.status == MessageStatus.SENT
    [request] = twilio_standin.requests
    assert request.params["Body"] == long_text.strip()
    assert request.params["StatusCallback"] == "https://shop.example/webhooks/twilio/status/"
    assert message.provider_message_id == twilio_standin.delivered[0]["sid"]


@pytest.mark.django_db
def test_invalid_number_fails_at_once_with_the_reason_shown_in_the_conversation(
    twilio_standin,
    verified_business,
    messaging_client,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    customer = customer_who_texted()
    twilio_standin.reject(MOBILE, 21211)

    with django_capture_on_commit_callbacks(execute=True):
        messaging_client.post(
            f"/dashboard/messages/{customer.pk}/send/", {"channel": "sms", "body": "Hi"}
        )

    message = outbound()
    assert message.status == MessageStatus.FAILED
    assert message.error_code == "21211"
    assert message.attempts == 1
    page = messaging_client.get(f"/dashboard/messages/{customer.pk}/").content.decode()
    assert "Not delivered: The phone number is not valid." in page


START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_provider_outage_then_recovery_sends_the_text_exactly_once(
    twilio_standin, verified_business, messaging_member, run_worker
):
    customer = customer_who_texted()
    twilio_standin.outage(2)  # two attempts meet a 503, the third goes through

    with time_machine.travel(START, tick=False) as clock:
        message = services.send_message(
            actor=messaging_member, customer=customer, channel=Channel.SMS, body="Prêt !"
        )
        for _attempt in range(2):
            run_worker()
            message.refresh_from_db()
            assert message.status == MessageStatus.QUEUED  # nothing typed is lost
            assert "503" in message.error_message or message.error_message
            clock.move_to(send_task().run_after)
        run_worker()
        run_worker()  # nothing left to do: a second run sends nothing more

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 3
    assert message.error_message == ""
    assert len(twilio_standin.requests) == 3
    assert len(twilio_standin.delivered) == 1  # sent exactly once
    assert message.provider_message_id == twilio_standin.delivered[0]["sid"]


@pytest.mark.django_db(transaction=True)
def test_outage_that_outlasts_the_retries_fails_with_the_reason(
    twilio_standin, verified_business, messaging_member, run_worker
):
    customer = customer_who_texted()
    twilio_standin.outage(99)

    with time_machine.travel(START, tick=False) as clock:
        message = services.send_message(
            actor=messaging_member, customer=customer, channel=Channel.SMS, body="Prêt !"
        )
        for _attempt in range(7):
            run_worker()
            row = send_task()
            if row.run_after:
                clock.move_to(max(row.run_after, timezone.now()))

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 7
    assert "Service unavailable" in message.error_message
    assert twilio_standin.delivered == []


@pytest.mark.django_db
def test_task_run_twice_sends_once(
    twilio_standin,
    verified_business,
    messaging_member,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    from comptoir.messaging.delivery import deliver_message

    customer = customer_who_texted()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(
            actor=messaging_member, customer=customer, channel=Channel.SMS, body="Once"
        )

    assert deliver_message(message.pk, last_attempt=False) == "already sent"
    assert len(twilio_standin.delivered) == 1


# --- delivery reports ----------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_reports_move_the_status_forward_only(
    twilio_standin,
    verified_business,
    messaging_member,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    customer = customer_who_texted()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(
            actor=messaging_member, customer=customer, channel=Channel.SMS, body="Hi"
        )
    sid = outbound().provider_message_id

    services.update_delivery_status(provider_message_id=sid, status="delivered")
    services.update_delivery_status(provider_message_id=sid, status="sent")  # late report

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None


@pytest.mark.django_db
def test_undelivered_report_names_the_reason(
    twilio_standin,
    verified_business,
    messaging_member,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    customer = customer_who_texted()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(
            actor=messaging_member, customer=customer, channel=Channel.SMS, body="Hi"
        )
    sid = outbound().provider_message_id

    services.update_delivery_status(
        provider_message_id=sid, status="undelivered", error_code="30003"
    )

    message = outbound()
    assert message.status == MessageStatus.FAILED
    with translation.override("en"):
        assert (
            message.failure_reason == "The phone is unreachable (switched off or out of coverage)."
        )
    with translation.override("fr"):  # in the reader's language, whatever the worker's
        assert message.failure_reason == "Le téléphone est injoignable (éteint ou hors couverture)."


# --- quiet hours ---------------------------------------------------------------------


def test_recipient_zone_comes_from_the_number_else_the_fallback():
    assert recipient_zone("+33612345678", "UTC") == ZoneInfo("Europe/Paris")
    assert recipient_zone("+61412345678", "Europe/Paris").key.startswith("Australia/")
    assert recipient_zone("not a number", "Europe/Paris") == ZoneInfo("Europe/Paris")


def test_next_allowed_is_8_oclock_local_outside_8_to_21():
    paris = ZoneInfo("Europe/Paris")
    assert next_allowed(datetime(2026, 3, 2, 12, 0, tzinfo=paris), paris) is None
    assert next_allowed(datetime(2026, 3, 2, 21, 0, tzinfo=paris), paris) == datetime(
        2026, 3, 3, 8, 0, tzinfo=paris
    )
    assert next_allowed(datetime(2026, 3, 2, 7, 59, tzinfo=paris), paris) == datetime(
        2026, 3, 2, 8, 0, tzinfo=paris
    )


def confirmed_for_marketing(number: str) -> None:
    now = timezone.now()
    TextSubscription.objects.update_or_create(
        number=number,
        defaults={
            "marketing_state": MarketingOptIn.CONFIRMED,
            "first_request_at": now,
            "first_reply_at": now,
            "second_request_at": now,
            "confirmed_at": now,
        },
    )


@pytest.mark.django_db(transaction=True)
def test_marketing_text_waits_for_8_oclock_in_the_recipients_zone(
    twilio_standin, verified_business, run_worker
):
    customer = customer_who_texted()
    confirmed_for_marketing(MOBILE)
    paris = ZoneInfo("Europe/Paris")
    late_evening = datetime(2026, 3, 2, 22, 30, tzinfo=paris)

    with time_machine.travel(late_evening, tick=False) as clock:
        message = services.send_message(
            actor=None,
            customer=customer,
            channel=Channel.SMS,
            body="-20 % demain",
            kind=MessageKind.MARKETING,
            is_marketing=True,
        )
        assert message.send_after == datetime(2026, 3, 3, 8, 0, tzinfo=paris)
        assert send_task().run_after == message.send_after
        run_worker()
        clock.move_to(datetime(2026, 3, 3, 7, 59, tzinfo=paris))
        run_worker()
        assert twilio_standin.requests == []
        clock.move_to(datetime(2026, 3, 3, 8, 0, 1, tzinfo=paris))
        run_worker()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(twilio_standin.delivered) == 1


@pytest.mark.django_db
def test_marketing_text_in_the_day_is_not_delayed_and_transactional_texts_never_are(
    verified_business,
):
    customer = customer_who_texted()
    confirmed_for_marketing(MOBILE)
    paris = ZoneInfo("Europe/Paris")
    with time_machine.travel(datetime(2026, 3, 2, 14, 0, tzinfo=paris), tick=False):
        marketing = services.send_message(
            actor=None,
            customer=customer,
            channel=Channel.SMS,
            body="Promo",
            kind=MessageKind.MARKETING,
            is_marketing=True,
        )
    with time_machine.travel(datetime(2026, 3, 2, 23, 0, tzinfo=paris), tick=False):
        order_update = services.send_message(
            actor=None,
            customer=customer,
            channel=Channel.SMS,
            body="Votre commande est prête",
            kind=MessageKind.ORDER_UPDATE,
        )
    assert marketing.send_after is None
    assert order_update.send_after is None


# --- configuration -------------------------------------------------------------------


def test_sms_backend_is_configured_from_the_environment(tmp_path):
    from comptoir.config import ConfigError, load

    env = {"COMPTOIR_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 40}
    assert load(env, base_dir=tmp_path).sms_backend == "development"
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        load(
            {**env, "COMPTOIR_SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC1"},
            base_dir=tmp_path,
        )
    with pytest.raises(ConfigError, match="COMPTOIR_SMS_BACKEND"):
        load({**env, "COMPTOIR_SMS_BACKEND": "carrier-pigeon"}, base_dir=tmp_path)
    twilio = load(
        {
            **env,
            "COMPTOIR_SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "secret-token",
            "TWILIO_FROM_NUMBER": "+33700000001",
            "COMPTOIR_REPLY_DOMAIN": "@Replies.Example.com",
        },
        base_dir=tmp_path,
    )
    assert (twilio.sms_backend, twilio.twilio_from_number) == ("twilio", "+33700000001")
    assert twilio.reply_domain == "replies.example.com"
    assert "secret-token" not in repr(twilio)


@pytest.mark.django_db
def test_marketing_text_at_night_stays_queued_on_a_backend_that_cannot_defer(
    twilio_standin, verified_business, immediate_tasks, django_capture_on_commit_callbacks
):
    customer = customer_who_texted()
    confirmed_for_marketing(MOBILE)
    night = datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))

    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(
            actor=None,
            customer=customer,
            channel=Channel.SMS,
            body="Promo",
            kind=MessageKind.MARKETING,
            is_marketing=True,
        )

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.send_after is not None
    assert twilio_standin.requests == []
