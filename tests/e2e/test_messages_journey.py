"""The inbox in a real browser: staff open Messages, find a customer and write to her by
email; the email leaves through the outbox with its reply-to address; the customer's
reply (written with Gmail, quoting the shop's email) is delivered over SMTP to the
``comptoir mail-in`` receiver and appears in the open conversation without a reload,
quotes stripped."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.messaging.mail_in import build_controller
from comptoir.messaging.models import BusinessVerification, Direction, Message
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from tests.factories import PASSWORD, CustomerFactory, TeamMemberFactory
from tests.jobs.fixtures import IMMEDIATE_TASKS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
REPLY_DOMAIN = "mail.boulangerie.test"
# The conversation asks for new messages every 5 seconds: allow a few rounds.
LIVE = 20_000


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def receiver():
    controller = build_controller(host="127.0.0.1", port=0)
    controller.start()
    yield controller
    controller.stop()


def _sign_in(page, member) -> None:
    page.goto("/dashboard/login/")
    page.fill("input[name=username]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")


def _gmail_reply(sent: mail.EmailMessage, *, reply_to: str, message_id: str) -> bytes:
    """Jane's answer as Gmail sends it: to the Reply-To address, threaded, quoting."""
    return (
        "MIME-Version: 1.0\r\n"
        "Date: Mon, 30 Nov 2026 10:41:03 +0000\r\n"
        f"References: {message_id}\r\n"
        f"In-Reply-To: {message_id}\r\n"
        "Message-ID: <CAJ9pQv+journey@mail.gmail.com>\r\n"
        f"Subject: Re: {sent.subject}\r\n"
        "From: Jane Cooper <jane.cooper@gmail.test>\r\n"
        f"To: Boulangerie Martin <{reply_to}>\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n'
        "\r\n"
        "Yes please, two baguettes as well.\r\n"
        "\r\n"
        "Jane\r\n"
        "\r\n"
        "On Mon, Nov 30, 2026 at 10:02 AM Boulangerie Martin <\r\n"
        f"{reply_to}> wrote:\r\n"
        "\r\n"
        "> Hello Jane, your sourdough loaf will be ready on Saturday.\r\n"
        ">\r\n"
    ).encode()


def test_staff_write_by_email_and_the_smtp_reply_appears_without_reload(
    context, receiver, settings
):
    settings.COMPTOIR_REPLY_DOMAIN = REPLY_DOMAIN
    settings.TASKS = IMMEDIATE_TASKS  # the email task runs at once, into the outbox
    shop = get_shop()
    owner = TeamMemberFactory(access=Access.OWNER, user__language="en")
    BusinessVerification.objects.create(
        legal_name="Boulangerie Martin SARL",
        registration_number="35600000000048",
        country=shop.country,
        address="12 rue des Lilas\n75011 Paris",
        owner_name="Hélène Martin",
        verified_at=timezone.now(),
        updated_by=owner,
    )
    jane = CustomerFactory(first_name="Jane", last_name="Cooper", email="jane.cooper@gmail.test")
    page = context.new_page()
    _sign_in(page, owner)

    page.goto("/dashboard/messages/")
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Name, email or phone").fill("Cooper")
    page.get_by_role("button", name="Find").click()
    page.locator("#found-customers").get_by_role("link", name="Jane Cooper").click()
    expect(page.get_by_role("heading", name="Messages with Jane Cooper")).to_be_visible()
    email_choice = page.locator("input[name=channel][value=email]")
    if email_choice.count():
        email_choice.check()
    page.get_by_label("Subject (email only)").fill("Your sourdough order")
    page.get_by_label("Message", exact=True).fill(
        "Hello Jane, your sourdough loaf will be ready on Saturday."
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Message queued: it is on its way.")).to_be_visible()

    sent = next(email for email in mail.outbox if email.to == ["jane.cooper@gmail.test"])
    reply_to = sent.reply_to[0]
    assert reply_to.startswith("reply+") and reply_to.endswith(f"@{REPLY_DOMAIN}")
    message_id = message_from_bytes(sent.message().as_bytes(), policy=policy.default)["Message-ID"]
    assert message_id == Message.objects.get(direction=Direction.OUTBOUND).email_message_id
    url_before = page.url

    with smtplib.SMTP("127.0.0.1", receiver.port, timeout=10) as client:
        client.sendmail(
            "jane.cooper@gmail.test",
            [reply_to],
            _gmail_reply(sent, reply_to=reply_to, message_id=message_id),
        )

    reply = page.locator("#conversation-messages li.message.in")
    expect(reply).to_be_visible(timeout=LIVE)  # polled in, no reload
    expect(reply.locator(".body")).to_contain_text("Yes please, two baguettes as well.")
    expect(reply).not_to_contain_text("wrote:")
    expect(reply).not_to_contain_text("ready on Saturday")
    assert page.url == url_before
    inbound = jane.conversation.messages.get(direction=Direction.INBOUND)
    assert inbound.body == "Yes please, two baguettes as well.\n\nJane"
    assert inbound.in_reply_to == message_id
