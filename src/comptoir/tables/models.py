"""A table of a location. Its QR code leads to ``/t/<token>/``: the token is random and
unguessable, so the table's menu cannot be found by counting ids, and printing the
sheet again never changes it. A label is unique per location (the kitchen's tickets
and the Orders page show it)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

LABEL_MAX_LENGTH = 40  # orders.Fulfilment.table_label


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Table(models.Model):
    location = models.ForeignKey(
        "shop.Location",
        on_delete=models.CASCADE,
        related_name="tables",
        verbose_name=_("location"),
    )
    label = models.CharField(_("label"), max_length=LABEL_MAX_LENGTH)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("taking orders"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("table")
        ordering = ["location_id", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "label"], name="table_label_unique_per_location"
            ),
        ]

    def __str__(self) -> str:
        return self.label
