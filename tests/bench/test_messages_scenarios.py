"""The issue 6 bench data and scenarios: the messages generator at tiny scale (the
counts the scale says, the long conversation, statuses and unread counts the way the
application keeps them, the verified business), the ``inbox`` and
``conversation_long`` pages the owner asks for, and the signed inbound texts the real
webhook accepts (a tampered one refused). Speed is measured by the bench itself, never
here; query counts are asserted."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings

from bench import bulk
from bench.flows import BENCH_TWILIO_AUTH_TOKEN, inbound_text, known_numbers
from bench.generate import SCALES, generate
from bench.generators.customers import REGULAR_EMAIL
from bench.generators.messages import conversation_count, long_message_count, message_count
from bench.generators.staff import OWNER_EMAIL
from bench.scenarios import SCENARIOS
from comptoir.consent.models import TextSubscription
from comptoir.customers.models import Customer
from comptoir.messaging import verification
from comptoir.messaging.models import (
    Conversation,
    Direction,
    Message,
    MessageStatus,
)
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from tests.consent.fixtures import apply_stored_texts

pytestmark = pytest.mark.django_db

TINY = SCALES["tiny"]
BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _quiet():
    bulk.SHOW_PROGRESS = False
    yield
    bulk.SHOW_PROGRESS = True


@pytest.fixture
def generated(db) -> dict[str, int]:
    return generate("tiny", only=["messages"], report=lambda line: None)


@pytest.fixture
def owner_client(generated) -> Client:
    client = Client()
    client.force_login(TeamMember.objects.get(user__email=OWNER_EMAIL).user)
    return client


def test_tiny_scale_has_the_conversations_and_messages_the_scale_says(generated):
    assert generated["messaging.Message"] == Message.objects.count() == message_count(TINY)
    conversations = Conversation.objects.count()
    assert generated["messaging.Conversation"] == conversations == conversation_count(TINY)
    # Both channels, both directions, the statuses a shop sees.
    assert set(Message.objects.values_list("channel", "direction").distinct()) == {
        ("sms", "in"),
        ("sms", "out"),
        ("email", "in"),
        ("email", "out"),
    }
    statuses = set(Message.objects.values_list("status", flat=True).distinct())
    assert {MessageStatus.DELIVERED, MessageStatus.SENT, MessageStatus.RECEIVED} <= statuses
    assert MessageStatus.QUEUED not in statuses
    failed = Message.objects.filter(status=MessageStatus.FAILED)
    assert not failed.filter(error_message="").exists()
    assert (
        not Message.objects.filter(direction=Direction.INBOUND)
        .exclude(status=MessageStatus.RECEIVED)
        .exists()
    )


def test_the_regular_shopper_has_the_long_conversation(generated):
    long = Conversation.objects.get(customer__email=REGULAR_EMAIL)
    assert long.messages.count() == long_message_count(TINY)
    assert long_message_count(1.0) == 10_000
    busiest = (
        Conversation.objects.annotate(n=Count("messages"))
        .order_by("-n")
        .values_list("pk", flat=True)
    )
    assert busiest[0] == long.pk


def test_conversation_rows_agree_with_their_messages(generated):
    for conversation in Conversation.objects.annotate(
        unread=Count(
            "messages",
            filter=Q(messages__direction=Direction.INBOUND, messages__read_at__isnull=True),
        )
    ):
        newest = conversation.messages.order_by("-created_at", "-id").first()
        assert conversation.last_message_at == newest.created_at
        assert conversation.last_message_preview == " ".join(newest.body.split())[:200]
        assert conversation.unread_count == conversation.unread
    assert Conversation.objects.filter(unread_count__gt=0).exists()
    assert Conversation.objects.filter(unread_count=0).exists()
    # The numbers that texted the shop have their subscription row.
    texted = TextSubscription.objects.filter(last_inbound_at__isnull=False)
    assert texted.exists()
    assert not texted.exclude(customer__conversation__isnull=False).exists()


def test_messaging_is_usable_by_the_bench_owner(generated):
    assert verification.is_verified()
    owner = TeamMember.objects.get(user__email=OWNER_EMAIL)
    assert owner.has_permission(Permission.MESSAGE_CUSTOMERS)


def test_generated_history_is_not_notified_to_the_staff_again(generated):
    from comptoir.messaging.notifications import _unnotified

    assert not _unnotified().exists()


def test_inbox_paths_answer_200_for_the_owner_in_a_bounded_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    scenario = SCENARIOS["inbox"]
    assert scenario.staff
    assert scenario.target is not None
    assert (scenario.target.metric, scenario.target.at_most) == ("p95_ms", 50)
    paths = scenario.paths("default")
    assert len(paths) == 9 and sum("?q=" in path for path in paths) == 6
    assert any("%2B336" in path for path in paths)  # a phone number
    assert any("%40bench.example.com" in path for path in paths)  # an email address
    for path in paths:
        # The same few queries for every page and search (the count stops at 1,000).
        with django_assert_max_num_queries(7):
            answer = owner_client.get(path)
        assert answer.status_code == 200, path
    first = owner_client.get(paths[0])
    newest = Conversation.objects.order_by("-last_message_at").first()
    assert newest.customer.full_name.encode() in first.content or newest.customer.email


def test_conversation_long_pages_walk_back_through_the_long_conversation(
    owner_client, django_assert_max_num_queries
):
    scenario = SCENARIOS["conversation_long"]
    assert scenario.staff
    assert scenario.target is not None
    paths = scenario.paths("default")
    regular = Customer.objects.get(email=REGULAR_EMAIL)
    assert paths[0] == f"/dashboard/messages/{regular.pk}/"
    assert len(paths) >= 4
    for path in paths:
        # The same few queries on page 1 and page 200 (keyset paging: no count, no
        # offset; one more for the cursor's row).
        with django_assert_max_num_queries(11):
            answer = owner_client.get(path)
        assert answer.status_code == 200, path
        assert len(answer.context["page"].messages) == 50
    # Opening it reads it.
    assert Conversation.objects.get(customer=regular).unread_count == 0


@override_settings(TWILIO_AUTH_TOKEN=BENCH_TWILIO_AUTH_TOKEN, COMPTOIR_PUBLIC_URL="")
def test_inbound_texts_are_signed_and_join_or_open_conversations(generated):
    [path] = SCENARIOS["inbound_sms"].paths("default")
    assert path == "/webhooks/twilio/sms/"
    numbers = known_numbers()
    assert numbers
    messages_before = Message.objects.count()
    customers_before = Customer.objects.count()

    answers = []
    for number in range(10):
        body, headers = inbound_text(
            path, number, numbers=numbers, base=BASE, token=BENCH_TWILIO_AUTH_TOKEN
        )
        answers.append(
            Client().post(path, body, content_type=headers["Content-Type"], headers=headers)
        )

    assert [answer.status_code for answer in answers] == [200] * 10
    # Stored by the webhook, applied by the worker's task.
    assert apply_stored_texts() == 10
    assert Message.objects.count() == messages_before + 10
    # Two of the ten came from new numbers: two new customers, each with a conversation.
    assert Customer.objects.count() == customers_before + 2
    received = Message.objects.order_by("-id")[:10]
    assert {m.direction for m in received} == {Direction.INBOUND}
    assert {m.status for m in received} == {MessageStatus.RECEIVED}


@override_settings(TWILIO_AUTH_TOKEN=BENCH_TWILIO_AUTH_TOKEN, COMPTOIR_PUBLIC_URL="")
def test_a_tampered_inbound_text_is_refused(generated):
    [path] = SCENARIOS["inbound_sms"].paths("default")
    body, headers = inbound_text(
        path, 1, numbers=known_numbers(), base=BASE, token=BENCH_TWILIO_AUTH_TOKEN
    )
    form = dict(parse_qsl(body))
    form["Body"] = "STOP"
    before = Message.objects.count()

    answer = Client().post(
        path, form, headers={"X-Twilio-Signature": headers["X-Twilio-Signature"]}
    )

    assert answer.status_code == 403
    assert Message.objects.count() == before


def test_inbound_sms_is_measured_in_texts_against_200_per_second():
    scenario = SCENARIOS["inbound_sms"]
    assert scenario.unit == "texts"
    assert scenario.flow is not None
    assert scenario.target is not None
    assert (scenario.target.metric, scenario.target.at_least) == ("requests_per_second", 200)


def _post_text(number: int, numbers: list[str]):
    [path] = SCENARIOS["inbound_sms"].paths("default")
    body, headers = inbound_text(
        path, number, numbers=numbers, base=BASE, token=BENCH_TWILIO_AUTH_TOKEN
    )
    return Client().post(path, body, content_type=headers["Content-Type"], headers=headers)


@override_settings(TWILIO_AUTH_TOKEN=BENCH_TWILIO_AUTH_TOKEN, COMPTOIR_PUBLIC_URL="")
def test_an_inbound_text_from_a_known_number_takes_a_fixed_number_of_queries(
    generated, count_queries
):
    numbers = known_numbers()
    _post_text(1, numbers)  # the shop row is read once per request: warm the rest alike

    with count_queries() as counted:
        answer = _post_text(2, numbers)

    assert answer.status_code == 200
    # The shop; the id's row; the customer with their conversation (one query: mobile
    # or phone); the number's row stamped; the latest text receipt to link a reply to;
    # the conversation, the message and its two counter updates, with record_inbound's
    # savepoint. (The staff notice check runs after commit: not in a test transaction.)
    assert counted.count <= 13, [q["sql"][:80] for q in counted.context.captured_queries]


@override_settings(TWILIO_AUTH_TOKEN=BENCH_TWILIO_AUTH_TOKEN, COMPTOIR_PUBLIC_URL="")
def test_an_inbound_text_from_a_new_number_takes_a_fixed_number_of_queries(
    generated, count_queries
):
    numbers = known_numbers()
    _post_text(1, numbers)

    with count_queries() as counted:
        answer = _post_text(5, numbers)  # every fifth text comes from a new number

    assert answer.status_code == 200
    # As a known number, plus the customer created (record, spending row, event) and
    # the number's subscription row inserted and locked, the conversation created; no
    # receipt looked for (a customer created by this text has none).
    assert counted.count <= 26, [q["sql"][:80] for q in counted.context.captured_queries]
