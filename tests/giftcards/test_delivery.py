"""E-gift cards are emailed to their recipient on the delivery date: a background task
enqueued after commit with django-tasks' ``run_after``, sending once."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps
from django.core import mail

from comptoir.giftcards import services
from comptoir.giftcards.delivery import email_gift_card
from comptoir.giftcards.models import GiftCard
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from tests.jobs.fixtures import run_worker  # noqa: F401 (a fixture)

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 10:00 in Paris


def task_rows():
    return apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(
        task_path="comptoir.giftcards.tasks.deliver_gift_card"
    )


def issue(**kwargs):
    return services.issue_digital(
        amount=2500,
        idempotency_key="purchase",
        recipient_name="Lou",
        recipient_email="lou@example.com",
        sender_name="Camille",
        message="Joyeux anniversaire !",
        language="en",
        **kwargs,
    ).card


@pytest.mark.django_db
def test_a_future_delivery_date_schedules_the_email_at_9_shop_time(
    django_capture_on_commit_callbacks,
):
    get_shop()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        card = issue(delivery_date=date(2026, 6, 14))
    row = task_rows().get()
    assert row.args_kwargs["args"] == [card.pk]
    assert row.run_after == datetime(2026, 6, 14, 7, 0, tzinfo=UTC)  # 09:00 in Paris
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_the_delivery_is_enqueued_only_after_commit(django_capture_on_commit_callbacks):
    get_shop()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue()
    # Held until the purchase commits: a rolled-back one enqueues nothing.
    assert len(callbacks) == 1 and not task_rows().exists()


def test_the_worker_emails_a_card_due_today_once(run_worker, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    get_shop()
    card = issue(delivery_date=date.today())
    run_worker()
    run_worker()

    email = OutgoingEmail.objects.get()
    assert email.to_address == "lou@example.com"
    assert email.subject.startswith("Camille sent you a") and "gift card" in email.subject
    assert email.text_body.startswith("Hello Lou,")
    assert card.display_code in email.text_body and card.display_code in email.html_body
    assert "€25.00" in email.text_body and "Joyeux anniversaire !" in email.text_body
    assert GiftCard.objects.get(pk=card.pk).delivered_at is not None
    assert [m.to for m in mail.outbox] == [["lou@example.com"]]


@pytest.mark.django_db
def test_the_delivery_sends_once_and_not_for_a_deactivated_card(manager):
    get_shop()
    card = issue()
    assert email_gift_card(card.pk) == "sent"
    assert email_gift_card(card.pk) == "already sent"
    assert OutgoingEmail.objects.count() == 1

    other = services.issue_digital(
        amount=1000, idempotency_key="other", recipient_name="A", recipient_email="a@example.com"
    ).card
    services.deactivate(actor=manager, card=other, idempotency_key="off")
    assert email_gift_card(other.pk) == "card not active"
    assert OutgoingEmail.objects.count() == 1
