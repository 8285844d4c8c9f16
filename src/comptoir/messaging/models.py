"""Customer messages: one conversation per customer, texts and emails in both directions.

Outbound messages are outbox rows: a service writes a QUEUED ``Message`` in the business
transaction and ``messaging.tasks.send_queued_message`` sends it after commit, checking the
status first so that a retried task never sends twice."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.messaging.provider_errors import PROVIDER_ERRORS


class Channel(models.TextChoices):
    SMS = "sms", pgettext_lazy("message channel", "Text")
    EMAIL = "email", _("Email")


class Direction(models.TextChoices):
    INBOUND = "in", _("Received")
    OUTBOUND = "out", _("Sent")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    RECEIVED = "received", _("Received")


class MessageKind(models.TextChoices):
    STAFF = "staff", _("Written by the team")
    CUSTOMER = "customer", _("From the customer")
    ORDER_UPDATE = "order_update", _("Order update")
    RECEIPT = "receipt", _("Receipt")
    REMINDER = "reminder", _("Reminder")
    CONSENT = "consent", _("Consent")
    MARKETING = "marketing", _("Marketing")
    COUPON = "coupon", _("Coupon")
    AUTO_REPLY = "auto_reply", _("Automatic reply")


def new_reply_token() -> str:
    return secrets.token_urlsafe(16)


class BusinessVerification(models.Model):
    """The shop's business identity, required before it may message customers (one row)."""

    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    address = models.TextField(_("business address"), blank=True)
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("business verification")

    def __str__(self) -> str:
        return self.legal_name


class Conversation(models.Model):
    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="conversation",
        verbose_name=_("customer"),
    )
    reply_token = models.CharField(
        _("reply token"), max_length=40, unique=True, default=new_reply_token, editable=False
    )
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    last_message_preview = models.CharField(_("preview"), max_length=200, blank=True)
    unread_count = models.PositiveIntegerField(_("unread"), default=0)
    last_inbound_channel = models.CharField(
        _("last inbound channel"), max_length=8, choices=Channel.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        ordering = [models.F("last_message_at").desc(nulls_last=True), "-id"]
        indexes = [
            models.Index(fields=["-last_message_at", "-id"], name="conversation_recent_idx"),
        ]

    def __str__(self) -> str:
        return str(self.customer)


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=MessageKind.choices, default=MessageKind.STAFF
    )
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices)
    # What staff read: for inbound email the reply without quotes or signature.
    body = models.TextField(_("message"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # Inbound email: the whole original text, the sanitised HTML, the raw RFC 5322 source.
    full_body = models.TextField(_("full text"), blank=True)
    html_body = models.TextField(_("HTML"), blank=True)
    raw_source = models.TextField(_("raw source"), blank=True)
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    provider_message_id = models.CharField(
        _("provider message id"), max_length=64, blank=True, db_index=True
    )
    email_message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    possible_opt_out = models.BooleanField(_("possible opt-out"), default=False)
    is_marketing = models.BooleanField(_("marketing"), default=False)
    author = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("order"),
    )
    appointment_id = models.PositiveBigIntegerField(_("appointment"), null=True, blank=True)
    # An ORDER_UPDATE: the fulfilment state it tells (reserved, prepared, cancelled), so
    # that a text the provider reports failed can be told again by email, the same update.
    update_state = models.CharField(_("order update"), max_length=10, blank=True)
    # Quiet hours: a marketing text waits until this time.
    send_after = models.DateTimeField(_("send after"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set while one worker hands the message to the provider, so that a second run of the
    # task (enqueued twice, retried) does not send it again meanwhile (see mail.delivery).
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["conversation", "-created_at", "-id"],
                name="message_conversation_page_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def failure_reason(self) -> str:
        """Why it failed, in the reader's language when the provider's code is a known one
        (the stored words are in the worker's language), else as the provider said it."""
        if self.error_code in PROVIDER_ERRORS:
            return str(PROVIDER_ERRORS[self.error_code])
        return self.error_message or self.error_code


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), upload_to="messages/attachments/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("attachment")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
