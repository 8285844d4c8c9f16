"""The inbox and a conversation: newest first, unread counts, search, paging with a
constant number of queries, reading marks read, live updates, starting a conversation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comptoir.customers.models import Customer
from comptoir.messaging import services
from comptoir.messaging.models import Channel, Conversation, Direction, Message, MessageStatus
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

INBOX = "/dashboard/messages/"


def received(customer, body, channel=Channel.SMS):
    address = customer.mobile if channel == Channel.SMS else customer.email
    return services.record_inbound(
        customer=customer, channel=channel, body=body, from_address=address or "x"
    )


def conversation_url(customer) -> str:
    return reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})


def test_inbox_lists_conversations_newest_first_with_preview_channel_and_unread(
    verified_business, messaging_client
):
    start = timezone.now()
    alice = CustomerFactory(first_name="Alice", last_name="Durand", mobile="+33611111111")
    bruno = CustomerFactory(first_name="Bruno", last_name="Petit", email="bruno@example.com")
    with time_machine.travel(start):
        received(alice, "Bonjour, mon colis ?")
    with time_machine.travel(start + timedelta(minutes=5)):
        received(bruno, "Is the shop open on Sunday?", channel=Channel.EMAIL)
        received(bruno, "And on Monday?", channel=Channel.EMAIL)

    page = messaging_client.get(INBOX)

    assert page.status_code == 200
    rows = list(page.context["page"].object_list)
    assert [c.customer.first_name for c in rows] == ["Bruno", "Alice"]
    assert [c.unread_count for c in rows] == [2, 1]
    html = page.content.decode()
    assert "And on Monday?" in html and "Bonjour, mon colis ?" in html
    assert 'data-unread="2"' in html
    assert html.index("Bruno") < html.index("Alice")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("durand", ["Alice"]),
        ("bruno@example", ["Bruno"]),
        ("06 11 11 11 11", ["Alice"]),
        ("dimanche", ["Bruno"]),  # words of a message
        ("nothing like this", []),
    ],
)
def test_inbox_search_by_name_email_phone_or_message_text(
    verified_business, messaging_client, search, expected
):
    alice = CustomerFactory(first_name="Alice", last_name="Durand", mobile="+33611111111")
    bruno = CustomerFactory(first_name="Bruno", last_name="Petit", email="bruno@example.com")
    received(alice, "Bonjour")
    received(bruno, "Ouvert dimanche ?", channel=Channel.EMAIL)

    page = messaging_client.get(INBOX, {"q": search})

    assert [c.customer.first_name for c in page.context["page"].object_list] == expected


def test_inbox_pages_in_constant_queries(verified_business, messaging_client, count_queries):
    for n in range(3):
        received(CustomerFactory(mobile=f"+3361234560{n}"), f"hello {n}")
    messaging_client.get(INBOX)  # warm the caches (session, shop)
    with count_queries() as few:
        messaging_client.get(INBOX)
    for n in range(3, 40):
        received(CustomerFactory(mobile=f"+336123456{n:02d}"), f"hello {n}")
    with count_queries() as many:
        second = messaging_client.get(INBOX, {"page": 2})

    assert len(second.context["page"].object_list) == 10
    assert many.count == few.count


def test_conversation_lists_messages_in_time_order_with_channel_and_status(
    verified_business, messaging_client
):
    customer = CustomerFactory(mobile="+33611111111", email="c@example.com")
    start = timezone.now() - timedelta(hours=1)
    with time_machine.travel(start):
        received(customer, "Premier message")
    with time_machine.travel(start + timedelta(minutes=1)):
        services.send_message(
            actor=messaging_client.member,
            customer=customer,
            channel=Channel.EMAIL,
            body="Our answer",
        )
    with time_machine.travel(start + timedelta(minutes=2)):
        received(customer, "Merci", channel=Channel.EMAIL)
    failed = Message.objects.get(body="Our answer")
    failed.status, failed.error_message = MessageStatus.FAILED, "Mailbox does not exist"
    failed.save()

    html = messaging_client.get(conversation_url(customer)).content.decode()

    # The bodies themselves: the staff author's generated name may hold "Merci" (Mercier).
    def at(body: str) -> int:
        return html.index(f'<div class="body">{body}</div>')

    assert at("Premier message") < at("Our answer") < at("Merci")
    assert "Not delivered: Mailbox does not exist" in html
    assert 'data-status="received"' in html
    assert ">Text<" in html and ">Email<" in html


def test_opening_a_conversation_marks_it_read(verified_business, messaging_client):
    customer = CustomerFactory(mobile="+33611111111")
    received(customer, "one")
    received(customer, "two")
    conversation = Conversation.objects.get()
    assert conversation.unread_count == 2

    messaging_client.get(conversation_url(customer))

    conversation.refresh_from_db()
    assert conversation.unread_count == 0
    assert not Message.objects.filter(direction=Direction.INBOUND, read_at__isnull=True).exists()
    inbox = messaging_client.get(INBOX)
    assert [c.unread_count for c in inbox.context["page"].object_list] == [0]


def test_long_conversation_shows_the_latest_50_then_older_in_constant_queries(
    verified_business, messaging_client, count_queries
):
    customer = CustomerFactory(mobile="+33611111111")
    conversation = services.conversation_for(customer)
    start = timezone.now() - timedelta(days=1)
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            direction=Direction.INBOUND,
            channel=Channel.SMS,
            status=MessageStatus.RECEIVED,
            body=f"message number {n:03d}",
        )
        for n in range(120)
    )
    # bulk_create stamps them all at once: spread them in time, in order.
    for message in Message.objects.order_by("id"):
        Message.objects.filter(pk=message.pk).update(
            created_at=start + timedelta(minutes=message.pk)
        )
    url = conversation_url(customer)
    messaging_client.get(url)

    with count_queries() as first:
        latest = messaging_client.get(url)
    shown = [m.body for m in latest.context["page"].messages]
    assert shown == [f"message number {n:03d}" for n in range(70, 120)]
    older_url = f"{url}?before={latest.context['page'].older_cursor}"
    assert f'href="?before={latest.context["page"].older_cursor}"' in latest.content.decode()

    with count_queries() as second:
        older = messaging_client.get(older_url)
    assert [m.body for m in older.context["page"].messages] == [
        f"message number {n:03d}" for n in range(20, 70)
    ]
    oldest = messaging_client.get(f"{url}?before={older.context['page'].older_cursor}")
    assert oldest.context["page"].messages[0].body == "message number 000"
    assert oldest.context["page"].older_cursor is None
    assert second.count <= first.count + 1  # the cursor's row


def test_live_updates_bring_new_messages_without_reload(verified_business, messaging_client):
    customer = CustomerFactory(mobile="+33611111111")
    received(customer, "first")
    page = messaging_client.get(conversation_url(customer)).content.decode()
    updates = reverse("dashboard:message_conversation_updates", kwargs={"customer_id": customer.pk})
    assert f'hx-get="{updates}"' in page and 'hx-trigger="every' in page

    received(customer, "a new one arrives")
    fragment = messaging_client.get(updates, headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "a new one arrives" in html and "<html" not in html
    assert Conversation.objects.get().unread_count == 0


def test_composer_counts_characters_and_segments(verified_business, messaging_client):
    response = messaging_client.post(reverse("dashboard:message_segments"), {"body": "é" * 161})
    assert "161 characters, 2 text segments (GSM-7)" in response.content.decode()
    response = messaging_client.post(reverse("dashboard:message_segments"), {"body": "Ça ✓"})
    assert "4 characters, 1 text segment (UCS-2)" in response.content.decode()


# --- starting a conversation ---------------------------------------------------------


def test_new_message_finds_the_customer_in_the_directory(verified_business, messaging_client):
    CustomerFactory(first_name="Hélène", last_name="Martin", email="helene@example.com")
    CustomerFactory(first_name="Paul", last_name="Durand")

    page = messaging_client.get(reverse("dashboard:message_new"), {"q": "helene"})

    found = page.context["found"]
    assert [c.first_name for c in found] == ["Hélène"]
    assert conversation_url(found[0]) in page.content.decode()


def test_new_message_creates_the_customer_on_the_spot(verified_business, staff_client):
    client = staff_client(
        Permission.MESSAGE_CUSTOMERS, Permission.MANAGE_CUSTOMERS, user__language="en"
    )

    response = client.post(
        reverse("dashboard:message_new_customer"),
        {"first_name": "Nina", "last_name": "Roux", "email": "", "mobile": "06 98 76 54 32"},
    )

    customer = Customer.objects.get(first_name="Nina")
    assert customer.mobile == "+33698765432"
    assert response.status_code == 302
    assert response["Location"] == conversation_url(customer)


def test_creating_a_customer_needs_manage_customers(verified_business, messaging_client):
    response = messaging_client.post(
        reverse("dashboard:message_new_customer"),
        {"first_name": "Nina", "last_name": "Roux", "email": "nina@example.com", "mobile": ""},
    )
    assert response.status_code == 403
    assert "Manage customers" in response.content.decode()
    assert 'value="nina@example.com"' in response.content.decode()
    assert not Customer.objects.filter(first_name="Nina").exists()


def test_new_customer_needs_a_way_to_be_reached(verified_business, staff_client):
    client = staff_client(
        Permission.MESSAGE_CUSTOMERS, Permission.MANAGE_CUSTOMERS, user__language="en"
    )
    response = client.post(
        reverse("dashboard:message_new_customer"), {"first_name": "Nina", "last_name": "Roux"}
    )
    assert response.status_code == 400
    assert "Enter an email address or a mobile number" in response.content.decode()
    assert not Customer.objects.filter(first_name="Nina").exists()


def test_inbound_from_unknown_number_creates_a_customer_and_a_known_number_joins(db):
    known = CustomerFactory(email="known@example.com", mobile="+33611111111")
    assert services.customer_for_inbound(phone="+33611111111") == known
    assert services.customer_for_inbound(email="KNOWN@example.com") == known

    new = services.customer_for_inbound(phone="+33622222222")
    assert new.pk != known.pk and new.mobile == "+33622222222"
    by_mail = services.customer_for_inbound(email="new@example.com", name="Jean Dupont")
    assert (by_mail.first_name, by_mail.last_name) == ("Jean", "Dupont")


def test_owner_grants_messaging_to_a_custom_role_on_the_team_pages(
    verified_business, owner, signed_in, make_member
):
    from comptoir.team.models import Role

    response = signed_in(owner).post(
        "/dashboard/team/roles/new/",
        {"name": "Front desk", "permissions": ["message_customers"]},
    )
    assert response.status_code == 302
    role = Role.objects.get(name="Front desk")
    member = make_member(role=role)

    assert member.has_permission(Permission.MESSAGE_CUSTOMERS)
    assert signed_in(member).get(INBOX).status_code == 200
    assert (
        signed_in(make_member(permissions=[Permission.VIEW_CUSTOMERS])).get(INBOX).status_code
        == 403
    )


def test_member_limited_to_a_location_sees_only_its_customers_conversations(
    verified_business, make_member, signed_in
):
    from tests.factories import LocationFactory
    from tests.orders.factories import PICKUP, checkout, stocked

    here, elsewhere = LocationFactory(), LocationFactory()
    ours = checkout(here, [(stocked(here), 1)], email="ours@example.com", fulfilment=PICKUP)
    theirs = checkout(
        elsewhere, [(stocked(elsewhere), 1)], email="theirs@example.com", fulfilment=PICKUP
    )
    received(ours.customer, "mine", channel=Channel.EMAIL)
    received(theirs.customer, "not mine", channel=Channel.EMAIL)
    member = make_member(permissions=[Permission.MESSAGE_CUSTOMERS], locations=[here])
    client = signed_in(member)

    inbox = client.get(INBOX)

    assert [c.customer_id for c in inbox.context["page"].object_list] == [ours.customer_id]
    assert client.get(conversation_url(theirs.customer)).status_code == 404
