"""Customer records: every order belongs to one, guest or signed in. A record may have
no email (customers known only by phone come with counter orders and texts); when it
has one, no other record has the same address, whatever its case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from comptoir.customers.search import search_text_for
from comptoir.users.models import Language


class Customer(models.Model):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, null=True, blank=True)
    # E.164 ("+33612345678"), normalised by customers.phones.to_e164.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    # The shopper's login, when they have an account (issue 3: "an account attaches a
    # login to a record"). Null for guests and after the account is deleted.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer",
        verbose_name=_("account"),
    )
    account_deleted_at = models.DateTimeField(_("account deleted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Names, email and phone folded (lower case, no accents) for the directory search;
    # kept by save() and by the services that update these fields in bulk.
    search_text = models.TextField(editable=False, default="", blank=True)

    class Meta:
        verbose_name = _("customer")
        constraints = [
            # Also what makes find-or-create safe when two checkouts race (services).
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(email__isnull=False) & ~models.Q(email=""),
                name="customer_email_unique_ci",
            ),
        ]
        indexes = [
            models.Index(fields=["phone"], name="customer_phone_idx"),
            models.Index(fields=["created_at"], name="customer_created_idx"),
            # The directory's default sort.
            models.Index(fields=["last_name", "first_name", "id"], name="customer_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def computed_search_text(self) -> str:
        return search_text_for(
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            phone=self.phone,
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
