"""Which live alerts a staff member wants on the Orders page. No row: the defaults
(every alert on); a row is written the first time the member changes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffAlertSettings(models.Model):
    member = models.OneToOneField(
        "team.TeamMember", on_delete=models.CASCADE, related_name="alert_settings"
    )
    new_orders = models.BooleanField(_("new-order notifications"), default=True)
    curbside_arrivals = models.BooleanField(_("curbside arrival alerts"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff alert settings")

    def __str__(self) -> str:
        return f"alerts of member {self.member_id}"
