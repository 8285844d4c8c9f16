"""The inbox search and the long conversation page, kept cheap: a whole phone number or
email address goes to the customers first, names through the directory's folded text,
message text newest first; pages of a search are merged newest first without counting;
the conversation page's rows are written once per page. Query counts and behaviour
only (speed is measured by the bench). Runs on SQLite and on PostgreSQL
(``DATABASE_URL``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from comptoir.messaging import services
from comptoir.messaging.models import (
    Attachment,
    Channel,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from comptoir.messaging.selectors import INBOX_SEARCH_CAP
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory, LocationFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = pytest.mark.django_db

INBOX = "/dashboard/messages/"
START = timezone.now() - timedelta(days=2)


def received(customer, body, *, minutes, channel=Channel.SMS):
    address = customer.mobile if channel == Channel.SMS else customer.email
    with time_machine.travel(START + timedelta(minutes=minutes)):
        return services.record_inbound(
            customer=customer, channel=channel, body=body, from_address=address or "x"
        )


def names(response) -> list[str]:
    return [c.customer.first_name for c in response.context["page"].object_list]


def conversation_url(customer) -> str:
    return reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})


@pytest.fixture
def people(db):
    """Three customers who wrote, oldest first: Hélène, Bruno, Chloé."""
    helene = CustomerFactory(
        first_name="Hélène", last_name="Martin", mobile="+33611111111", email="h@example.com"
    )
    bruno = CustomerFactory(
        first_name="Bruno", last_name="Petit", mobile="+33622222222", email="Bruno@Example.com"
    )
    chloe = CustomerFactory(first_name="Chloé", last_name="Roux", mobile="+33633333333")
    received(helene, "Avez-vous des croissants ?", minutes=1)
    received(bruno, "Bonjour, ma commande ?", minutes=2)
    received(chloe, "Merci pour les croissants, appelez Hélène au 06 22 22 22 22", minutes=3)
    return helene, bruno, chloe


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("06 22 22 22 22", ["Bruno"]),  # as typed locally: E.164 on file, exact
        ("+33 6 22 22 22 22", ["Bruno"]),
        ("bruno@example.com", ["Bruno"]),  # the address ignoring case
        ("BRUNO@EXAMPLE.COM", ["Bruno"]),
    ],
)
def test_a_whole_number_or_address_on_file_shows_that_customers_conversation(
    verified_business, messaging_client, people, search, expected
):
    page = messaging_client.get(INBOX, {"q": search})

    assert page.status_code == 200
    assert names(page) == expected


def test_a_number_or_address_not_on_file_is_looked_for_in_names_and_messages(
    verified_business, messaging_client, people
):
    # Nobody has this number: Chloé's message mentions it in another form only.
    assert names(messaging_client.get(INBOX, {"q": "06 99 99 99 99"})) == []
    # A partial address is a word of the customer's folded text.
    assert names(messaging_client.get(INBOX, {"q": "bruno@exa"})) == ["Bruno"]
    # A whole address nobody has, written in a message.
    CustomerFactory(first_name="Zoé", mobile="+33644444444")
    zoe = CustomerFactory(first_name="Zoé", mobile="+33655555555")
    received(zoe, "écrivez à zoe.autre@example.org", minutes=4)
    assert names(messaging_client.get(INBOX, {"q": "zoe.autre@example.org"})) == ["Zoé"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("helene", ["Hélène"]),  # the name without accents (a message's text as typed)
        ("Hélène", ["Chloé", "Hélène"]),  # the name, and a message's word
        ("HÉLÈNE martin", ["Hélène"]),  # every word, accents and case ignored
        ("Roux", ["Chloé"]),
        ("croissants", ["Chloé", "Hélène"]),  # words of messages, newest first
        ("ma commande", ["Bruno"]),
        ("nothing like this", []),
    ],
)
def test_names_and_message_text_find_conversations_newest_first(
    verified_business, messaging_client, people, search, expected
):
    assert names(messaging_client.get(INBOX, {"q": search})) == expected


def test_a_conversation_matching_by_name_and_by_text_is_listed_once(
    verified_business, messaging_client, people
):
    helene, _bruno, _chloe = people
    received(helene, "Signé Hélène", minutes=10)

    page = messaging_client.get(INBOX, {"q": "Hélène"})

    assert names(page) == ["Hélène", "Chloé"]


def test_a_search_pages_newest_first_and_past_the_end_shows_the_last_page(
    verified_business, messaging_client
):
    # 35 customers wrote "tarte"; 30 more are named Tarte-something but wrote nothing of it.
    for n in range(35):
        customer = CustomerFactory(first_name=f"W{n:02d}", mobile=f"+336123456{n:02d}")
        received(customer, "Une tarte aux fraises", minutes=n)
    for n in range(30):
        customer = CustomerFactory(
            first_name=f"N{n:02d}", last_name="Tartempion", mobile=f"+336223456{n:02d}"
        )
        received(customer, "bonjour", minutes=100 + n)
    everyone = [f"N{n:02d}" for n in reversed(range(30))] + [
        f"W{n:02d}" for n in reversed(range(35))
    ]

    first = messaging_client.get(INBOX, {"q": "tarte"})
    second = messaging_client.get(INBOX, {"q": "tarte", "page": 2})
    third = messaging_client.get(INBOX, {"q": "tarte", "page": 3})
    beyond = messaging_client.get(INBOX, {"q": "tarte", "page": 40})

    assert names(first) + names(second) + names(third) == everyone
    assert first.context["page"].has_next and not third.context["page"].has_next
    assert names(beyond) == names(third) and beyond.context["page"].number == 3
    html = second.content.decode()
    assert "Page 2" in html and "q=tarte&amp;page=3" in html and "q=tarte&amp;page=1" in html


def test_a_search_reads_the_same_queries_whatever_it_finds(
    verified_business, messaging_client, count_queries
):
    for n in range(3):
        received(CustomerFactory(mobile=f"+3361234560{n}"), f"hello {n}", minutes=n)
    messaging_client.get(INBOX, {"q": "hello"})  # warm the caches (session, shop)
    with count_queries() as few:
        messaging_client.get(INBOX, {"q": "hello"})
    for n in range(3, 70):
        received(CustomerFactory(mobile=f"+336123456{n:02d}"), f"hello {n}", minutes=n)
    with count_queries() as many:
        second = messaging_client.get(INBOX, {"q": "hello", "page": 2})
    with count_queries() as by_number:
        messaging_client.get(INBOX, {"q": "06 12 34 56 05"})

    assert len(second.context["page"].object_list) == 30
    assert many.count == few.count
    assert by_number.count <= few.count


def test_a_page_number_out_of_reach_shows_the_last_page_of_the_matches(
    verified_business, messaging_client, people
):
    far = messaging_client.get(INBOX, {"q": "croissants", "page": 10_000})
    garbled = messaging_client.get(INBOX, {"q": "croissants", "page": "x"})

    assert far.status_code == 200 and garbled.status_code == 200
    assert far.context["page"].number == 1 and names(far) == ["Chloé", "Hélène"]
    assert names(garbled) == ["Chloé", "Hélène"]
    assert -(-INBOX_SEARCH_CAP // 30) == 34  # a search pages through its newest 1,000


def test_a_member_limited_to_a_location_finds_only_its_customers(
    verified_business, make_member, signed_in
):

    here, elsewhere = LocationFactory(), LocationFactory()
    ours = checkout(here, [(stocked(here), 1)], email="ours@example.com", fulfilment=PICKUP)
    theirs = checkout(
        elsewhere, [(stocked(elsewhere), 1)], email="theirs@example.com", fulfilment=PICKUP
    )
    received(ours.customer, "une question", minutes=1, channel=Channel.EMAIL)
    received(theirs.customer, "une question aussi", minutes=2, channel=Channel.EMAIL)
    client = signed_in(
        make_member(
            permissions=[Permission.MESSAGE_CUSTOMERS], locations=[here], user__language="en"
        )
    )

    by_text = client.get(INBOX, {"q": "question"})
    by_address = client.get(INBOX, {"q": "theirs@example.com"})

    assert [c.customer_id for c in by_text.context["page"].object_list] == [ours.customer_id]
    assert by_address.context["page"].object_list == []


# --- the conversation page -----------------------------------------------------------


def _conversation_of_every_kind(member, order=None, customer=None):
    """Received (with markup and a line break), a possible opt-out, an email with a
    subject and an attachment, a failed receipt with its order, a text waiting for the
    end of quiet hours."""
    if customer is None:
        customer = CustomerFactory(
            first_name="Ada", last_name="Lovelace", mobile="+33611111111", email="ada@example.com"
        )
    received(customer, "Bonjour <b>gras</b>\nligne deux", minutes=1)
    stop = received(customer, "STOP", minutes=2)
    Message.objects.filter(pk=stop.pk).update(possible_opt_out=True)
    sent = services.send_message(
        actor=member,
        customer=customer,
        channel=Channel.EMAIL,
        body="Our answer",
        subject="About your order",
    )
    conversation = sent.conversation
    failed = Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=Channel.SMS,
        kind=MessageKind.RECEIPT,
        status=MessageStatus.FAILED,
        body="Your receipt",
        error_message="Unreachable handset",
        order=order,
    )
    Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=Channel.SMS,
        kind=MessageKind.STAFF,
        status=MessageStatus.QUEUED,
        body="Promo",
        send_after=timezone.now() + timedelta(hours=3),
    )
    attachment = Attachment(message=sent, filename="menu <1>.pdf", size=2048)
    attachment.file.save("menu.pdf", ContentFile(b"%PDF"), save=True)
    return customer, sent, failed, attachment


def test_the_conversation_page_shows_each_message_with_its_labels_and_links(
    verified_business, messaging_client
):

    here = LocationFactory()
    order = checkout(here, [(stocked(here), 1)], email="x@example.com", fulfilment=PICKUP)
    customer, sent, failed, attachment = _conversation_of_every_kind(messaging_client.member, order)
    first = Message.objects.filter(conversation=sent.conversation).order_by("id").first()

    page = messaging_client.get(conversation_url(customer))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Bonjour &lt;b&gt;gras&lt;/b&gt;<br>ligne deux" in html  # escaped, line breaks
    assert f'<li class="message in" id="message-{first.pk}" data-status="received">' in html
    assert f'id="message-{failed.pk}" data-status="failed"' in html
    assert '<span class="channel">Text</span>' in html
    assert '<span class="channel">Email</span>' in html
    assert '<span class="status status-failed">Failed</span>' in html
    assert "Not delivered: Unreachable handset" in html
    assert "Possible opt-out" in html
    assert "<strong>About your order</strong>" in html
    assert "(quiet hours: sent after" in html
    assert "· Receipt" in html  # the kind of an automatic message
    assert messaging_client.member.user.get_full_name() in html  # the author of the email
    assert "The shop" in html  # automatic messages
    download = reverse("dashboard:message_attachment", kwargs={"customer_id": customer.pk})
    assert f'href="{download}?file={attachment.pk}">menu &lt;1&gt;.pdf</a>' in html
    assert "2.0\xa0KB" in html
    order_url = reverse("dashboard:order_detail", kwargs={"order_id": order.pk})
    assert f'href="{order_url}">Order {order.number}</a>' in html
    assert f'<time datetime="{timezone.localtime(sent.created_at).isoformat()}">' in html


def test_the_conversation_page_speaks_the_readers_language(
    verified_business, make_member, signed_in
):
    member = make_member(permissions=[Permission.MESSAGE_CUSTOMERS], user__language="fr")
    client = signed_in(member)
    customer, _sent, _failed, _attachment = _conversation_of_every_kind(member)

    html = client.get(conversation_url(customer)).content.decode()

    assert "Non remis : Unreachable handset" in html
    assert '<span class="channel">E-mail</span>' in html
    assert "Désinscription possible" in html
    assert "· Reçu" in html


def test_the_conversation_page_reads_the_same_queries_with_attachments_orders_and_authors(
    verified_business, messaging_client, make_member, count_queries
):

    customer, *_rest = _conversation_of_every_kind(messaging_client.member)
    url = conversation_url(customer)
    messaging_client.get(url)
    with count_queries() as few:
        messaging_client.get(url)
    here = LocationFactory()
    for n in range(10):
        order = checkout(here, [(stocked(here), 1)], email=f"o{n}@example.com", fulfilment=PICKUP)
        author = make_member(permissions=[Permission.MESSAGE_CUSTOMERS])
        _conversation_of_every_kind(author, order, customer=customer)
    messaging_client.get(url)  # reads the new messages (marking them read writes)
    with count_queries() as many:
        page = messaging_client.get(url)

    assert len(page.context["page"].messages) == 50
    assert page.content.decode().count("?file=") == 11  # every email's attachment
    assert many.count == few.count


def test_the_inbox_rows_show_name_preview_channel_unread_and_time_escaped(
    verified_business, messaging_client
):
    """The rows are written in Python (dashboard/views/message_rows.py): the same
    markup the template wrote, every value escaped."""
    sender = CustomerFactory(
        first_name="<b>Al</b>", last_name="O'Neil", mobile="+33611111111", email=None
    )
    quiet = CustomerFactory(first_name="Quiet", last_name="Reader", email="quiet@example.com")
    received(sender, "<script>alert(1)</script> " + "x" * 120, minutes=1)
    read = received(quiet, "Merci & à bientôt", minutes=2, channel=Channel.EMAIL)
    messaging_client.get(conversation_url(quiet))  # read: no longer unread

    page = messaging_client.get(INBOX)

    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)" not in html and "<b>Al</b>" not in html
    assert (
        f'<tr class="unread">\n      <td><a href="{conversation_url(sender)}">'
        "&lt;b&gt;Al&lt;/b&gt; O&#x27;Neil</a></td>\n"
    ) in html
    # Cut at 90 characters, as ``truncatechars:90``.
    preview = "&lt;script&gt;alert(1)&lt;/script&gt; " + "x" * 63 + "…"
    assert f"<td>{preview}</td>\n      <td>Text</td>\n" in html
    assert '<td><span class="badge" data-unread="1">1</span></td>' in html
    assert (
        f'<tr>\n      <td><a href="{conversation_url(quiet)}">Quiet Reader</a></td>\n'
        "      <td>Merci &amp; à bientôt</td>\n      <td>Email</td>\n      <td></td>\n"
    ) in html
    read.conversation.refresh_from_db()
    moment = timezone.localtime(read.conversation.last_message_at)
    assert f'<time datetime="{moment.isoformat()}">' in html


def test_an_older_page_reads_as_many_queries_as_the_latest_and_a_foreign_cursor_shows_the_latest(
    verified_business, messaging_client, count_queries
):
    customer = CustomerFactory(first_name="Long", mobile="+33611111111")
    other = CustomerFactory(first_name="Other", mobile="+33622222222")
    for n in range(60):
        received(customer, f"message {n:02d}", minutes=n)
    foreign = received(other, "not theirs", minutes=30)
    url = conversation_url(customer)
    messaging_client.get(url)

    with count_queries() as latest:
        first = messaging_client.get(url)
    cursor = first.context["page"].older_cursor
    with count_queries() as older:
        second = messaging_client.get(url, {"before": cursor})
    third = messaging_client.get(url, {"before": foreign.pk})

    assert first.context["page"].messages[0].body == "message 10"
    assert [m.body for m in second.context["page"].messages] == [
        f"message {n:02d}" for n in range(10)
    ]
    assert second.context["page"].older_cursor is None
    assert older.count == latest.count  # the cursor's time is a subquery of the page's
    assert third.context["page"].messages[0].body == "message 10"
