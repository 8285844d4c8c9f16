"""Partner platforms (delivery apps and the like) that post their orders to Comptoir.

A partner signs every webhook with its shared secret (``partners.signing``); each event
is applied once (``ProcessedEvent``, kept at least 72 hours); its orders become ordinary
orders with source "partner" plus a ``PartnerOrder`` row holding what only partners
have (their order id, items we could not map, the closing reason). Decisions and delays
go back to the partner through the ``PartnerCallback`` outbox, sent by a task."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    # Kept in clear: checking an HMAC needs the key itself. Shown once, when created or
    # rotated; never displayed again.
    secret = models.CharField(max_length=128)
    callback_url = models.URLField(_("callback URL"), max_length=500, blank=True)
    supports_delay = models.BooleanField(_("accepts new preparation times"), default=False)
    location = models.ForeignKey(
        "shop.Location",
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name=_("location"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PartnerItem(models.Model):
    """The partner's id of an item -> our catalog product."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="items")
    external_id = models.CharField(_("partner's item id"), max_length=120)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )

    class Meta:
        verbose_name = _("partner item")
        ordering = ["external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"], name="partner_item_once_per_partner"
            )
        ]

    def __str__(self) -> str:
        return self.external_id


class ProcessedEvent(models.Model):
    """An event id already applied. The unique constraint is what makes a replay (or two
    deliveries of one event at once) apply once."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "event_id"], name="partner_event_once_per_partner"
            )
        ]
        indexes = [models.Index(fields=["received_at"], name="partner_event_received_idx")]

    def __str__(self) -> str:
        return self.event_id


class ClosingReason(models.TextChoices):
    CANCELLED_BY_PARTNER = "cancelled_by_partner", _("Cancelled by partner")
    DECLINED = "declined", _("Declined")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PartnerOrder(models.Model):
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="partner_order"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="orders")
    external_id = models.CharField(_("partner's order id"), max_length=120)
    # Items the partner sent that no PartnerItem maps: each is also an order line without
    # product (so nothing is dropped); listed here so the page can flag them.
    unknown_items = models.JSONField(default=list, blank=True)
    closing_reason = models.CharField(
        _("closing reason"), max_length=30, choices=ClosingReason.choices, blank=True
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "team.TeamMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("partner order")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"], name="partner_order_once_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.external_id}"

    @property
    def has_unknown_items(self) -> bool:
        return bool(self.unknown_items)


class CallbackStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class PartnerCallback(models.Model):
    """Outbox row: one message to the partner's callback URL (a decision, a delay)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="callbacks")
    partner_order = models.ForeignKey(
        PartnerOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="callbacks"
    )
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    sending_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.partner}"
