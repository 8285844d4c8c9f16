"""The inbox and the conversation page read with SQL compiled once per process (the
inbox's rows and count as values, the customer with their conversation, the page's
attachments, the verification gate), dates written per page, and the composer as
opened written without the form's templates: the same pages, the same scoping, the
same queries whatever the data. Behaviour and query counts only (speed is measured by
the bench). Runs on SQLite and on PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from comptoir.dashboard.views.messages import ComposerForm
from comptoir.messaging import services
from comptoir.messaging.models import Attachment, Channel, Conversation
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


def conversation_url(customer) -> str:
    return reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})


def names(response) -> list[str]:
    return [row.customer.first_name for row in response.context["page"].object_list]


# --- the inbox -----------------------------------------------------------------------


def test_the_inbox_pages_newest_first_with_page_of_pages(verified_business, messaging_client):
    for n in range(35):
        received(
            CustomerFactory(first_name=f"P{n:02d}", mobile=f"+336123456{n:02d}"), "hi", minutes=n
        )

    first = messaging_client.get(INBOX)
    second = messaging_client.get(INBOX, {"page": 2})
    beyond = messaging_client.get(INBOX, {"page": 99})
    garbled = messaging_client.get(INBOX, {"page": "x"})
    zero = messaging_client.get(INBOX, {"page": 0})  # Django's paginator: the last page
    huge = messaging_client.get(INBOX, {"page": 10**30})

    assert names(first) == [f"P{n:02d}" for n in reversed(range(5, 35))]
    assert names(second) == [f"P{n:02d}" for n in reversed(range(5))]
    assert names(beyond) == names(second)
    assert names(garbled) == names(first)
    assert names(zero) == names(second)
    assert names(huge) == names(second)
    assert "Page 1 of 2" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_an_empty_inbox_says_so(verified_business, messaging_client):
    page = messaging_client.get(INBOX)

    assert page.status_code == 200
    assert "No conversation yet." in page.content.decode()
    assert list(page.context["page"].object_list) == []


def test_the_inbox_rows_name_customers_as_their_records_do(verified_business, messaging_client):
    named = CustomerFactory(
        first_name="Ada", initials="B.", last_name="Lovelace", mobile="+33611111111"
    )
    by_email = CustomerFactory(
        first_name="", last_name="", email="only@example.com", mobile="+33622222222"
    )
    received(named, "one", minutes=1)
    received(by_email, "two", minutes=2)

    html = messaging_client.get(INBOX).content.decode()

    assert f'<a href="{conversation_url(named)}">Ada B. Lovelace</a>' in html
    assert f'<a href="{conversation_url(by_email)}">only@example.com</a>' in html


def test_a_member_limited_to_a_location_lists_only_its_customers_conversations(
    verified_business, make_member, signed_in, count_queries
):
    here, elsewhere = LocationFactory(), LocationFactory()
    ours = checkout(here, [(stocked(here), 1)], email="ours@example.com", fulfilment=PICKUP)
    theirs = checkout(
        elsewhere, [(stocked(elsewhere), 1)], email="theirs@example.com", fulfilment=PICKUP
    )
    received(ours.customer, "une question", minutes=1, channel=Channel.EMAIL)
    received(theirs.customer, "une autre", minutes=2, channel=Channel.EMAIL)
    client = signed_in(
        make_member(
            permissions=[Permission.MESSAGE_CUSTOMERS], locations=[here], user__language="en"
        )
    )

    page = client.get(INBOX)

    assert [row.customer_id for row in page.context["page"].object_list] == [ours.customer_id]
    assert "Page 1 of 1" not in page.content.decode()  # one page: no pagination
    assert client.get(conversation_url(theirs.customer)).status_code == 404
    assert client.get(conversation_url(ours.customer)).status_code == 200


def test_the_inbox_reads_the_same_queries_for_one_conversation_or_a_page(
    verified_business, messaging_client, count_queries
):
    received(CustomerFactory(mobile="+33612345600"), "hello", minutes=0)
    messaging_client.get(INBOX)  # warm the caches (session, shop)
    with count_queries() as one:
        messaging_client.get(INBOX)
    for n in range(1, 40):
        received(CustomerFactory(mobile=f"+336123456{n:02d}"), "hello", minutes=n)
    with count_queries() as full:
        messaging_client.get(INBOX)
    with count_queries() as second:
        messaging_client.get(INBOX, {"page": 2})
    with count_queries() as beyond:  # the last page, read with every page's rows
        last = messaging_client.get(INBOX, {"page": 7})

    assert one.count == full.count == second.count
    assert beyond.count == one.count + 1
    assert last.context["page"].number == 2 and len(last.context["page"].object_list) == 10


# --- the conversation page -----------------------------------------------------------


def test_the_composer_as_opened_is_written_as_the_form_writes_it(
    verified_business, messaging_client
):
    customer = CustomerFactory(mobile="+33611111111", email="c@example.com")
    received(customer, "hello", minutes=1)
    form = ComposerForm(initial={"channel": Channel.SMS}, channels=[Channel.SMS, Channel.EMAIL])

    html = messaging_client.get(conversation_url(customer)).content.decode()

    assert str(form["subject"]) in html
    assert str(form["attachment"]) in html
    assert 'class="errorlist' not in html


def test_a_refused_send_shows_the_forms_errors_and_keeps_what_was_typed(
    verified_business, messaging_client
):
    customer = CustomerFactory(mobile="+33611111111", email="c@example.com")
    send = reverse("dashboard:message_send", kwargs={"customer_id": customer.pk})

    page = messaging_client.post(send, {"channel": Channel.EMAIL, "subject": "Kept <here>"})

    html = page.content.decode()
    assert page.status_code == 400
    assert "This field is required." in html  # the body's error
    assert 'value="Kept &lt;here&gt;"' in html


def test_a_customer_without_a_conversation_opens_an_empty_one(verified_business, messaging_client):
    customer = CustomerFactory(mobile="+33611111111")

    page = messaging_client.get(conversation_url(customer))

    assert page.status_code == 200
    assert "No message yet: write the first one below." in page.content.decode()
    assert not Conversation.objects.filter(customer=customer).exists()
    updates = reverse("dashboard:message_conversation_updates", kwargs={"customer_id": customer.pk})
    assert messaging_client.get(updates).status_code == 200


def test_an_unknown_customer_is_not_found(verified_business, messaging_client):
    assert messaging_client.get("/dashboard/messages/987654/").status_code == 404


def test_attachments_of_a_short_page_and_a_full_one_are_listed(
    verified_business, messaging_client, count_queries
):
    customer = CustomerFactory(mobile="+33611111111", email="c@example.com")
    with time_machine.travel(START - timedelta(minutes=1)):
        sent = services.send_message(
            actor=messaging_client.member,
            customer=customer,
            channel=Channel.EMAIL,
            body="With a file",
            subject="File",
        )
    attachment = Attachment(message=sent, filename="one.pdf", size=10)
    attachment.file.save("one.pdf", ContentFile(b"%PDF"), save=True)
    url = conversation_url(customer)
    messaging_client.get(url)
    with count_queries() as short:
        html = messaging_client.get(url).content.decode()
    assert f"?file={attachment.pk}" in html
    for n in range(60):
        received(customer, f"message {n}", minutes=n)
    later = services.send_message(
        actor=messaging_client.member,
        customer=customer,
        channel=Channel.EMAIL,
        body="Another file",
        subject="File",
    )
    other = Attachment(message=later, filename="two.pdf", size=10)
    other.file.save("two.pdf", ContentFile(b"%PDF"), save=True)
    messaging_client.get(url)  # reads the new messages (marking them read writes)
    with count_queries() as full:
        html = messaging_client.get(url).content.decode()

    assert f"?file={other.pk}" in html and f"?file={attachment.pk}" not in html
    assert full.count == short.count


# --- searches ------------------------------------------------------------------------


def test_a_search_takes_percent_and_underscore_as_written(verified_business, messaging_client):
    ann = CustomerFactory(first_name="Ann", mobile="+33611111111")
    bob = CustomerFactory(first_name="Bob", mobile="+33622222222")
    cy = CustomerFactory(first_name="Cy", last_name="snake_case", mobile="+33633333333")
    di = CustomerFactory(first_name="Di", last_name="snakeXcase", mobile="+33644444444")
    received(ann, "remise de 50% sur tout", minutes=1)
    received(bob, "remise de 500 euros", minutes=2)
    received(cy, "bonjour", minutes=3)
    received(di, "bonjour", minutes=4)

    assert names(messaging_client.get(INBOX, {"q": "50%"})) == ["Ann"]
    assert names(messaging_client.get(INBOX, {"q": "snake_case"})) == ["Cy"]


def test_a_search_of_many_words_finds_the_customers_holding_them_all(
    verified_business, messaging_client
):
    words = [f"w{n}" for n in range(10)]
    everything = CustomerFactory(first_name=" ".join(words), mobile="+33611111111")
    most = CustomerFactory(first_name=" ".join(words[:9]), mobile="+33622222222")
    received(everything, "bonjour", minutes=1)
    received(most, "bonjour", minutes=2)

    assert names(messaging_client.get(INBOX, {"q": " ".join(words[:3])})) == [
        most.first_name,
        everything.first_name,
    ]
    assert names(messaging_client.get(INBOX, {"q": " ".join(words)})) == [everything.first_name]


def test_a_search_reads_the_same_queries_on_its_first_and_later_pages(
    verified_business, messaging_client, count_queries
):
    for n in range(100):
        received(CustomerFactory(mobile=f"+33612345{n:03d}"), f"tarte {n}", minutes=n)
    messaging_client.get(INBOX, {"q": "tarte"})
    with count_queries() as first:
        one = messaging_client.get(INBOX, {"q": "tarte"})
    with count_queries() as second:
        two = messaging_client.get(INBOX, {"q": "tarte", "page": 2})
    # Beyond the third page, the matches' ids first, then the page's conversations.
    with count_queries() as fourth:
        four = messaging_client.get(INBOX, {"q": "tarte", "page": 4})

    assert len(one.context["page"].object_list) == len(two.context["page"].object_list) == 30
    assert [row.last_message_preview for row in four.context["page"].object_list] == [
        f"tarte {n}" for n in reversed(range(10))
    ]
    assert fourth.count == first.count + 1
    assert first.count == second.count
