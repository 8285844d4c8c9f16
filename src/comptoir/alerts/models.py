"""Which alerts a staff member wants, and which order alerts went out.

``StaffAlertSettings``: no row means the defaults (both live alerts on, no email); a row
is written the first time the member changes them. ``OrderAlert``: one row per (order,
member, kind) written with the outbox email, so a task run twice sends once; the
reminder also keeps one row per order without a member (the reminder went out, its
timeline event was written)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffAlertSettings(models.Model):
    member = models.OneToOneField(
        "team.TeamMember", on_delete=models.CASCADE, related_name="alert_settings"
    )
    new_orders = models.BooleanField(_("new-order notifications"), default=True)
    curbside_arrivals = models.BooleanField(_("curbside arrival alerts"), default=True)
    # Opt-in: an email per new order placed at these locations (none by default).
    email_locations = models.ManyToManyField(
        "shop.Location",
        blank=True,
        related_name="+",
        verbose_name=_("email me each new order at"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff alert settings")

    def __str__(self) -> str:
        return f"alerts of member {self.member_id}"


class AlertKind(models.TextChoices):
    NEW_ORDER = "new_order", _("New order")
    NOT_ACCEPTED = "not_accepted", _("Not accepted yet")


class OrderAlert(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("alert"), max_length=20, choices=AlertKind.choices)
    # Null: the order-level row of the reminder (sent once, whoever received it).
    member = models.ForeignKey(
        "team.TeamMember", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.ForeignKey(
        "mail.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order alert")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "member"],
                condition=models.Q(member__isnull=False),
                name="order_alert_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(member__isnull=True),
                name="order_alert_once_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of order {self.order_id} to member {self.member_id}"
