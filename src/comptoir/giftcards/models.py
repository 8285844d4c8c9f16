"""Gift cards and their ledger (modelled on Square's Gift Cards API).

A card's ``balance`` (integer minor units beside the currency) is only changed by the
services in ``giftcards.services``, each writing one ``GiftCardActivity`` row that keeps
the amount and the balance after it; the rows of a card add up to its balance. Every row
is created with an idempotency key and a fingerprint of the request it answered."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.giftcards.codes import MAX_CODE_LENGTH, display
from comptoir.users.models import Language


class GiftCardKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical card")
    DIGITAL = "digital", _("E-gift card")


class GiftCardState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DEACTIVATED = "deactivated", _("Deactivated")


class ActivityKind(models.TextChoices):
    ACTIVATE = "activate", _("Activated")
    LOAD = "load", _("Loaded")
    REDEEM = "redeem", _("Redeemed")
    ADJUST_UP = "adjust_up", _("Adjusted up")
    ADJUST_DOWN = "adjust_down", _("Adjusted down")
    CLEAR_BALANCE = "clear_balance", _("Balance cleared")
    REFUND = "refund", _("Refunded")
    DEACTIVATE = "deactivate", _("Deactivated")


class AdjustmentReason(models.TextChoices):
    COMPLIMENTARY = "complimentary", _("Complimentary")
    SUPPORT_ISSUE = "support_issue", _("Support issue")
    TRANSACTION_VOIDED = "transaction_voided", _("Transaction voided")
    SUSPICIOUS_ACTIVITY = "suspicious_activity", _("Suspicious activity")
    BALANCE_ADDED_BY_MISTAKE = "balance_added_by_mistake", _("Balance added by mistake")
    PURCHASE_REFUNDED = "purchase_refunded", _("Purchase refunded")


class GiftCard(models.Model):
    code = models.CharField(_("code"), max_length=MAX_CODE_LENGTH, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=GiftCardKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=GiftCardState.choices, default=GiftCardState.PENDING
    )
    balance = models.PositiveBigIntegerField(_("balance"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    # Who bought it or holds it, when known (the storefront purchase or a staff pick).
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gift_cards",
        verbose_name=_("customer"),
    )
    # E-gift cards: who receives it, from whom, the message, and when it is emailed.
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("recipient email"), max_length=254, blank=True)
    sender_name = models.CharField(_("from"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    class Meta:
        verbose_name = _("gift card")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The last guard: the services refuse first, with a message.
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="gift_card_balance_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="gift_card_customer_idx"),
            models.Index(fields=["recipient_email"], name="gift_card_recipient_idx"),
        ]

    def __str__(self) -> str:
        return display(self.code)

    @property
    def display_code(self) -> str:
        return display(self.code)


class GiftCardActivity(models.Model):
    card = models.ForeignKey(
        GiftCard, on_delete=models.CASCADE, related_name="activities", verbose_name=_("gift card")
    )
    kind = models.CharField(_("activity"), max_length=16, choices=ActivityKind.choices)
    amount = models.PositiveBigIntegerField(_("amount"))
    balance_after = models.PositiveBigIntegerField(_("balance after"))
    reason = models.CharField(
        _("reason"), max_length=30, choices=AdjustmentReason.choices, blank=True
    )
    # The team member who did it; null for the storefront and checkout, or a member removed.
    actor = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gift_card_activities",
        verbose_name=_("order"),
    )
    idempotency_key = models.CharField(max_length=255, unique=True)
    # SHA-256 of the request the key was first used for: the same key with another
    # request is refused instead of answered with the first result.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("gift card activity")
        verbose_name_plural = _("gift card activities")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["card", "-created_at"], name="gift_card_ledger_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def is_debit(self) -> bool:
        return self.kind in (
            ActivityKind.REDEEM,
            ActivityKind.ADJUST_DOWN,
            ActivityKind.CLEAR_BALANCE,
        )


class CodeLookupFailure(models.Model):
    """A balance check or redemption with a code that matches no card, kept for the
    guessing brake (``giftcards.guessing``); rows older than the window are deleted."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("unknown gift card code attempt")
        indexes = [models.Index(fields=["ip_address", "at"], name="gift_card_failure_ip_idx")]

    def __str__(self) -> str:
        return f"{self.ip_address} {self.at:%Y-%m-%d %H:%M}"
