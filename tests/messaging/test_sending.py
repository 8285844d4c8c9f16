"""Writing to a customer from a conversation: email and text, the composer's default
channel and switch, missing contact details, the verification and permission gates."""

from __future__ import annotations

import email

import pytest
from django.core import mail
from django.urls import reverse

from comptoir.messaging import services
from comptoir.messaging.models import (
    Channel,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from comptoir.messaging.sms import DevelopmentSmsProvider
from comptoir.team.permissions import Permission
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

MOBILE = "+33612345678"


def conversation_url(customer) -> str:
    return reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})


def send_url(customer) -> str:
    return reverse("dashboard:message_send", kwargs={"customer_id": customer.pk})


def texted_us(customer, body="Bonjour, c'est prêt ?"):
    """The customer texted the shop (which also counts as consent to be texted back)."""
    return services.record_inbound(
        customer=customer, channel=Channel.SMS, body=body, from_address=customer.mobile
    )


def emailed_us(customer, *, message_id="<abc@mail.example>", subject="Question"):
    return services.record_inbound(
        customer=customer,
        channel=Channel.EMAIL,
        body="Is my order ready?",
        subject=subject,
        from_address=customer.email,
        email_message_id=message_id,
        in_reply_to="<first@shop.example>",
    )


@pytest.fixture
def sending(immediate_tasks, django_capture_on_commit_callbacks):
    """Run the send task as the request commits (ImmediateBackend + on_commit)."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


# --- email ---------------------------------------------------------------------------


def test_staff_email_goes_out_with_reply_token_message_id_and_the_shop_brand(
    verified_business, messaging_client, sending, settings
):
    settings.COMPTOIR_REPLY_DOMAIN = "replies.comptoir.example"
    customer = CustomerFactory(first_name="Hélène", last_name="Martin", email="helene@example.com")

    response = sending(
        messaging_client,
        send_url(customer),
        {"channel": "email", "subject": "Your order", "body": "It is ready, Hélène."},
    )

    assert response.status_code == 302
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT
    assert message.direction == Direction.OUTBOUND
    assert message.author == messaging_client.member
    assert message.to_address == "helene@example.com"
    [sent] = mail.outbox
    token = message.conversation.reply_token
    assert len(token) >= 20
    assert sent.reply_to == [f"reply+{token}@replies.comptoir.example"]
    assert sent.to == ["helene@example.com"]
    assert sent.subject == "Your order"
    assert "It is ready, Hélène." in sent.body
    html, mime = sent.alternatives[0]
    assert mime == "text/html" and "It is ready, Hélène." in html
    parsed = email.message_from_bytes(sent.message().as_bytes())
    assert parsed["Message-ID"] == message.email_message_id
    assert message.email_message_id.endswith("@replies.comptoir.example>")
    assert "Comptoir" in parsed["From"]
    assert parsed["In-Reply-To"] is None

    page = messaging_client.get(conversation_url(customer))
    assert "It is ready, Hélène." in page.content.decode()
    assert 'data-status="sent"' in page.content.decode()


def test_reply_by_email_threads_under_the_customers_last_email(
    verified_business, messaging_client, sending
):
    customer = CustomerFactory(email="paul@example.com")
    emailed_us(customer, message_id="<q1@mail.example>", subject="Question")

    sending(messaging_client, send_url(customer), {"channel": "email", "body": "Yes it is."})

    [sent] = mail.outbox
    parsed = email.message_from_bytes(sent.message().as_bytes())
    assert parsed["In-Reply-To"] == "<q1@mail.example>"
    assert parsed["References"] == "<first@shop.example> <q1@mail.example>"
    assert sent.subject == "Re: Question"


def test_email_attachment_is_sent_and_listed_with_a_download_link(
    verified_business, messaging_client, sending
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    customer = CustomerFactory()
    upload = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 quote", content_type="application/pdf")
    sending(
        messaging_client,
        send_url(customer),
        {"channel": "email", "body": "Here is the quote.", "attachment": upload},
    )

    [sent] = mail.outbox
    assert sent.attachments[0][0] == "devis.pdf"
    attachment = Message.objects.get().attachments.get()
    page = messaging_client.get(conversation_url(customer)).content.decode()
    link = f"/dashboard/messages/{customer.pk}/attachment/?file={attachment.pk}"
    assert link in page
    download = messaging_client.get(link)
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 quote"
    assert "attachment" in download["Content-Disposition"]

    # Only through its own conversation.
    other = CustomerFactory()
    services.conversation_for(other)
    elsewhere = messaging_client.get(
        f"/dashboard/messages/{other.pk}/attachment/?file={attachment.pk}"
    )
    assert elsewhere.status_code == 404


# --- text ----------------------------------------------------------------------------


def test_staff_text_goes_through_the_development_backend_and_its_outbox(
    verified_business, messaging_client, sending
):
    customer = CustomerFactory(mobile=MOBILE, email=None)
    texted_us(customer)

    response = sending(
        messaging_client, send_url(customer), {"channel": "sms", "body": "Oui, à demain !"}
    )

    assert response.status_code == 302
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.channel == Channel.SMS
    assert message.status == MessageStatus.SENT
    assert message.to_address == MOBILE
    assert message.provider_message_id.startswith(DevelopmentSmsProvider.ID_PREFIX)
    assert mail.outbox == []
    outbox = messaging_client.get(reverse("dashboard:message_sms_outbox")).content.decode()
    assert "Oui, à demain !" in outbox and MOBILE in outbox


# --- the composer's channel ----------------------------------------------------------


def checked_channel(page) -> str:
    html = page.content.decode()
    for channel in ("sms", "email"):
        if f'name="channel" value="{channel}" checked' in html:
            return channel
    return ""


def test_default_channel_is_text_when_the_customer_texted_last(verified_business, messaging_client):
    customer = CustomerFactory(mobile=MOBILE, email="both@example.com")
    emailed_us(customer)
    texted_us(customer)

    page = messaging_client.get(conversation_url(customer))

    assert checked_channel(page) == "sms"
    html = page.content.decode()
    assert "Send by text" in html and "Send by email" in html


def test_default_channel_is_email_when_only_an_email_is_on_file(
    verified_business, messaging_client
):
    customer = CustomerFactory(email="only@example.com")

    page = messaging_client.get(conversation_url(customer))

    assert checked_channel(page) == "email"
    assert "Send by text" not in page.content.decode()


def test_default_channel_follows_the_last_receipt_when_the_customer_never_wrote(
    verified_business, messaging_client, immediate_tasks
):
    customer = CustomerFactory(mobile=MOBILE, email="both@example.com")
    texted = texted_us(customer)
    texted.conversation.last_inbound_channel = ""
    texted.conversation.save(update_fields=["last_inbound_channel"])
    services.send_message(
        actor=None, customer=customer, channel=Channel.SMS, body="Receipt", kind=MessageKind.RECEIPT
    )

    assert checked_channel(messaging_client.get(conversation_url(customer))) == "sms"


def test_default_channel_is_email_when_both_are_on_file_and_nothing_was_exchanged(
    verified_business, messaging_client
):
    customer = CustomerFactory(mobile=MOBILE, email="both@example.com")
    assert checked_channel(messaging_client.get(conversation_url(customer))) == "email"


def test_switching_channel_sends_by_the_one_chosen(verified_business, messaging_client, sending):
    customer = CustomerFactory(mobile=MOBILE, email="both@example.com")
    emailed_us(customer)
    texted_us(customer, body="Je préfère les SMS")
    services.record_inbound(
        customer=customer, channel=Channel.EMAIL, body="again", from_address=customer.email
    )
    assert checked_channel(messaging_client.get(conversation_url(customer))) == "email"
    switched = messaging_client.get(conversation_url(customer) + "?channel=sms")
    assert checked_channel(switched) == "sms"

    sending(messaging_client, send_url(customer), {"channel": "sms", "body": "Par SMS alors"})

    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.channel == Channel.SMS and message.status == MessageStatus.SENT
    assert mail.outbox == []


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "fields", "missing"),
    [
        ("sms", {"mobile": "", "phone": "", "email": "h@example.com"}, "No mobile number on file"),
        ("email", {"mobile": MOBILE, "email": None}, "No email address on file"),
    ],
)
def test_missing_contact_detail_is_named_with_a_link_to_the_profile(
    verified_business, messaging_client, sending, channel, fields, missing
):
    customer = CustomerFactory(first_name="Hélène", last_name="Martin", **fields)

    response = sending(
        messaging_client, send_url(customer), {"channel": channel, "body": "Hello there"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f"{missing} for Hélène Martin: add one on their profile." in html
    assert reverse("dashboard:customer_detail", kwargs={"customer_id": customer.pk}) in html
    assert "Hello there" in html  # what was typed is kept
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_sending_is_refused_until_the_business_is_verified(messaging_client, sending):
    customer = CustomerFactory()

    page = messaging_client.get(conversation_url(customer))
    assert "Messaging is not available yet." in page.content.decode()
    inbox = messaging_client.get(reverse("dashboard:message_inbox"))
    assert "Messaging is not available yet." in inbox.content.decode()

    response = sending(messaging_client, send_url(customer), {"channel": "email", "body": "Hi"})

    assert response.status_code == 403
    assert "business identity" in response.content.decode()
    assert "Hi</textarea>" in response.content.decode()
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_member_without_the_permission_gets_403_and_nothing_is_sent(
    verified_business, staff_client, sending
):
    client = staff_client(Permission.MANAGE_CUSTOMERS, Permission.VIEW_ORDERS, user__language="en")
    customer = CustomerFactory()
    texted = CustomerFactory(mobile=MOBILE)
    texted_us(texted)

    for url in (reverse("dashboard:message_inbox"), conversation_url(customer)):
        assert client.get(url).status_code == 403
    response = sending(client, send_url(customer), {"channel": "email", "body": "Hi"})

    assert response.status_code == 403
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    assert mail.outbox == []
    with pytest.raises(services.DomainError):
        services.send_message(
            actor=client.member, customer=customer, channel=Channel.EMAIL, body="Hi"
        )
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_owner_and_full_access_hold_the_permission_by_default(owner, make_member):
    from comptoir.team.models import Access

    assert owner.has_permission(Permission.MESSAGE_CUSTOMERS)
    assert make_member(access=Access.FULL).has_permission(Permission.MESSAGE_CUSTOMERS)
    assert not make_member(permissions=[Permission.VIEW_ORDERS]).has_permission(
        Permission.MESSAGE_CUSTOMERS
    )


def test_marketing_email_needs_the_promotional_email_consent(verified_business, messaging_member):
    customer = CustomerFactory(accepts_marketing=False)
    with pytest.raises(services.DomainError) as refused:
        services.send_message(
            actor=messaging_member,
            customer=customer,
            channel=Channel.EMAIL,
            body="-20 % this week",
            kind=MessageKind.MARKETING,
            is_marketing=True,
        )
    assert refused.value.code == "marketing_refused"
    assert not Message.objects.exists()


def test_a_text_the_consent_rules_refuse_is_not_written(verified_business, messaging_client):
    # Never texted the shop, no consent recorded: the first staff text needs the
    # team member's confirmation (consent.rules), and the page links to it.
    customer = CustomerFactory(mobile=MOBILE)

    response = messaging_client.post(send_url(customer), {"channel": "sms", "body": "Hello"})

    assert response.status_code == 400
    assert "confirm that they agreed to receive texts" in response.content.decode()
    assert not Message.objects.exists()


def test_composer_says_why_a_stopped_number_cannot_be_texted(verified_business, messaging_client):
    from django.utils import timezone

    from comptoir.consent.models import TextSubscription

    customer = CustomerFactory(mobile=MOBILE)
    texted_us(customer)
    TextSubscription.objects.update_or_create(
        number=MOBILE, defaults={"opted_out_at": timezone.now(), "customer": customer}
    )

    page = messaging_client.get(conversation_url(customer)).content.decode()
    assert "replied STOP" in page

    response = messaging_client.post(send_url(customer), {"channel": "sms", "body": "Promo"})
    assert response.status_code == 400
    assert "replied STOP" in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_composer_links_to_the_consent_confirmation_before_a_first_text(
    verified_business, messaging_client
):
    customer = CustomerFactory(mobile=MOBILE, email=None)
    page = messaging_client.get(conversation_url(customer)).content.decode()
    attest = reverse("dashboard:text_consent_attest", kwargs={"customer_id": customer.pk})
    assert "confirm that they agreed to receive texts" in page
    assert attest in page


def test_reply_domain_defaults_to_the_shops_email_domain(settings):
    from comptoir.messaging.email_channel import reply_address, reply_domain
    from comptoir.shop.selectors import get_shop

    settings.COMPTOIR_REPLY_DOMAIN = ""
    shop = get_shop()
    shop.contact_email = "bonjour@Boulangerie-Martin.fr"
    shop.save()
    assert reply_domain() == "boulangerie-martin.fr"
    conversation = services.conversation_for(CustomerFactory())
    assert reply_address(conversation) == f"reply+{conversation.reply_token}@boulangerie-martin.fr"
    shop.contact_email = ""
    shop.save()
    settings.DEFAULT_FROM_EMAIL = "shop@comptoir.example"
    assert reply_domain() == "comptoir.example"


def test_conversation_shows_who_wrote_each_message(verified_business, messaging_client, sending):
    member = messaging_client.member
    member.user.full_name = "Léa Staff"
    member.user.save(update_fields=["full_name"])
    customer = CustomerFactory(first_name="Hélène", last_name="Martin")
    emailed_us(customer)
    sending(messaging_client, send_url(customer), {"channel": "email", "body": "Bonjour"})

    html = messaging_client.get(conversation_url(customer)).content.decode()

    assert "Léa Staff" in html and "Hélène Martin" in html


def test_composer_offers_product_cards_and_coupons(verified_business, messaging_client):
    customer = CustomerFactory()
    html = messaging_client.get(conversation_url(customer)).content.decode()
    assert reverse("dashboard:message_product_cards") in html
    assert reverse("dashboard:coupon_new") + f"?customer={customer.pk}" in html
