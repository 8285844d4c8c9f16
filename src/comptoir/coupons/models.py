"""Coupons sent to a customer from their conversation, and the staff notices of new
customer messages.

A coupon takes a fixed amount (minor units, in the shop's currency) or a percentage off
one order, until it expires. It is used once: ``redeemed_at`` / ``redeemed_order`` /
``amount_applied`` are set in the order's transaction by a conditional update (see
``coupons.services.redeem``), which two checkouts at once cannot both pass."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.coupons.codes import display


class CouponKind(models.TextChoices):
    AMOUNT = "amount", _("Fixed amount")
    PERCENT = "percent", _("Percentage")


class Coupon(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="coupons",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("type"), max_length=8, choices=CouponKind.choices)
    amount_off = models.PositiveBigIntegerField(_("amount off"), default=0)
    percent_off = models.PositiveSmallIntegerField(_("percent off"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The message of the conversation that carried the code to the customer.
    message = models.ForeignKey(
        "messaging.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message"),
    )
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    redeemed_order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("order"),
    )
    # What the coupon took off that order (minor units): the order's payments cover the rest.
    amount_applied = models.PositiveBigIntegerField(_("discount given"), null=True, blank=True)

    class Meta:
        verbose_name = _("coupon")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="amount", amount_off__gt=0, percent_off=0)
                    | models.Q(
                        kind="percent", amount_off=0, percent_off__gte=1, percent_off__lte=100
                    )
                ),
                name="coupon_amount_or_percent",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(redeemed_at__isnull=True, redeemed_order__isnull=True)
                    | models.Q(redeemed_at__isnull=False, redeemed_order__isnull=False)
                ),
                name="coupon_redeemed_with_order",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="coupon_customer_idx")]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return display(self.code)

    @property
    def is_redeemed(self) -> bool:
        return self.redeemed_at is not None

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def discount_on(self, *, amount_due: int, items_subtotal: int) -> int:
        """What the coupon takes off: a fixed amount up to what is due; a percentage of
        the items (not of delivery or shipping fees), rounded to the nearest minor unit."""
        if self.kind == CouponKind.PERCENT:
            off = (items_subtotal * self.percent_off + 50) // 100
        else:
            off = self.amount_off
        return max(0, min(off, amount_due))


class InboxNotice(models.Model):
    """One batch of the "new customer messages" email to the owners and full-access
    members: the inbound messages with an id above ``after_message_id`` up to
    ``up_to_message_id``. ``after_message_id`` is unique, so two runs of the batch task
    at once cannot both notify the same messages.

    It lives here rather than in ``messaging`` because the staff notifications were
    built with the coupons (issue 6, M5) while another engineer owned the messaging
    app's models; it belongs with ``messaging.notifications`` and can move there."""

    after_message_id = models.PositiveBigIntegerField(unique=True)
    up_to_message_id = models.PositiveBigIntegerField(db_index=True)
    message_count = models.PositiveIntegerField()
    recipient_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("new message notice")
        ordering = ["-up_to_message_id"]

    def __str__(self) -> str:
        return f"{self.after_message_id + 1}..{self.up_to_message_id}"
