"""Consent to be texted: per number a subscription state (STOP / START) and the
marketing double opt-in, a ConsentRecord for every grant and withdrawal (the proof the
shop keeps), and the suppression list that outlives erasure.

- ``TextSubscription``: one row per number (E.164). ``opted_out_at`` set means no text at
  all may go to it until the number texts START. The marketing double opt-in moves
  through ``MarketingOptIn`` (table in ``consent.rules.OPT_IN_STEPS``), each step's time
  and exact text kept on the row. ``last_inbound_at``: the number texted the shop (that
  is consent to be answered).
- ``ConsentRecord``: append-only, one row per grant or withdrawal.
- ``SuppressedAddress``: HMAC-SHA256 of an opted-out number or address, written when the
  customer's data is erased, so that the opt-out holds if the number comes back. It
  names nobody."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsentChannel(models.TextChoices):
    # The same values as messaging.models.Channel.
    SMS = "sms", pgettext_lazy("message channel", "Text")
    EMAIL = "email", _("Email")


class Purpose(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")


class ConsentAction(models.TextChoices):
    GRANT = "grant", _("Granted")
    WITHDRAW = "withdraw", _("Withdrawn")


class ConsentSource(models.TextChoices):
    STAFF_ATTESTATION = "staff_attestation", _("Confirmed by the team")
    TEXT_REPLY = "text_reply", _("Text reply")
    WEB_FORM = "web_form", _("Web form (checkout box)")
    KEYWORD = "keyword", _("Keyword")


class HowObtained(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    BY_PHONE = "by_phone", _("By phone")
    IN_WRITING = "in_writing", _("In writing")
    OTHER = "other", _("Other")


class MarketingOptIn(models.TextChoices):
    NONE = "none", _("Not asked")
    FIRST_REQUEST_SENT = "first_request_sent", _("First request sent")
    FIRST_YES = "first_yes", _("Replied yes once")
    SECOND_REQUEST_SENT = "second_request_sent", _("Confirmation request sent")
    CONFIRMED = "confirmed", _("Confirmed")


class TextSubscription(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    # Whoever holds the number now (a number moves with a merge, is deleted by erasure).
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="text_subscriptions",
        verbose_name=_("customer"),
    )
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)
    opted_in_at = models.DateTimeField(_("resubscribed"), null=True, blank=True)
    last_inbound_at = models.DateTimeField(_("last text received"), null=True, blank=True)
    attested_at = models.DateTimeField(_("consent confirmed by the team"), null=True, blank=True)

    marketing_state = models.CharField(
        _("marketing opt-in"),
        max_length=24,
        choices=MarketingOptIn.choices,
        default=MarketingOptIn.NONE,
    )
    first_request_at = models.DateTimeField(null=True, blank=True)
    first_request_text = models.TextField(blank=True)
    first_request_message_id = models.PositiveBigIntegerField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    first_reply_text = models.TextField(blank=True)
    second_request_at = models.DateTimeField(null=True, blank=True)
    second_request_text = models.TextField(blank=True)
    second_request_message_id = models.PositiveBigIntegerField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_reply_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("text subscription")

    def __str__(self) -> str:
        return self.number


class ConsentRecord(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("customer"),
    )
    address = models.CharField(_("number or address"), max_length=254)
    channel = models.CharField(_("channel"), max_length=8, choices=ConsentChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    action = models.CharField(_("action"), max_length=10, choices=ConsentAction.choices)
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    how_obtained = models.CharField(
        _("how obtained"), max_length=12, choices=HowObtained.choices, blank=True
    )
    how_obtained_detail = models.CharField(_("details"), max_length=300, blank=True)
    # Who acted: a team member, or the customer themselves (by text, keyword or form).
    staff = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team member"),
    )
    by_customer = models.BooleanField(_("by the customer"), default=False)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    at = models.DateTimeField(_("time (UTC)"))
    request_text = models.TextField(_("request"), blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("consent record")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["customer", "at"], name="consent_customer_at_idx"),
            models.Index(fields=["address", "purpose"], name="consent_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.purpose} {self.action}"


class SuppressedAddress(models.Model):
    digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=ConsentChannel.choices)
    opted_out_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed number or address")

    def __str__(self) -> str:
        return self.digest[:12]


class ReceivedText(models.Model):
    """Every inbound text the provider posted, by the provider's id, so that a webhook the
    provider retries is applied once (its unique index is the idempotency key).

    The webhook only stores the text here and answers; the worker applies it
    (``messaging.sms_inbound.apply_received_texts``), in arrival order per number. Until
    then the row holds the sender, the text and its media; once applied they are blanked
    (they live on in the conversation) and only the id stays, for the retention."""

    provider_message_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)  # for the cleanup
    from_number = models.CharField(max_length=32, blank=True, default="")
    body = models.TextField(blank=True, default="")
    # [[url, content type], ...] of a picture message, as the provider listed them.
    media = models.JSONField(blank=True, default=list)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("received text")
        indexes = [
            # The texts waiting for the worker, per number in arrival order.
            models.Index(
                fields=["from_number", "id"],
                name="received_text_waiting_idx",
                condition=models.Q(applied_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.provider_message_id
