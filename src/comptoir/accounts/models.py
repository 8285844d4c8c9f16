"""What a shopper keeps in their account: saved addresses, extra contact details, saved
cards (references at the gateway, never a card number) and the account terms they
accepted. Everything hangs off the customer record (``customers.Customer``) the login is
attached to, so the back office's export, erasure and merge find it in one place; only
the shopper changes it (account pages), never the back office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.users.models import Language


class SavedAddress(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="saved_addresses"
    )
    label = models.CharField(_("name of this address"), max_length=60, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="FR")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_primary = models.BooleanField(_("primary delivery address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved address")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="saved_address_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_line1, self.postal_code, self.city) if p)


class ContactPhone(models.Model):
    """A phone number the shopper added (E.164). The primary one is also copied to the
    customer record's ``phone`` by the service that sets it."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="contact_phones"
    )
    number = models.CharField(_("phone number"), max_length=20)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phone number")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="contact_phone_once"),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="contact_phone_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ContactEmail(models.Model):
    """An additional email address (the sign-in email is the login's and never changes
    here)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="contact_emails"
    )
    email = models.EmailField(_("email"), max_length=254)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("additional email")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "email"], name="contact_email_once"),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="contact_email_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class GatewayCustomer(models.Model):
    """The customer's reference at one gateway account (Stripe: ``cus_…``), created the
    first time they save a card there."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="gateway_customers"
    )
    gateway = models.CharField(max_length=20)
    gateway_account = models.CharField(max_length=255)
    reference = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "gateway", "gateway_account"],
                name="gateway_customer_once_per_account",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SavedCard(models.Model):
    """A card kept at the gateway. Comptoir holds only the gateway's reference, the brand,
    last four digits, expiry and the gateway account it belongs to: after the shop
    switches account the card shows as unavailable (not deleted)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="saved_cards"
    )
    gateway = models.CharField(max_length=20)
    gateway_account = models.CharField(max_length=255)
    reference = models.CharField(max_length=255)
    brand = models.CharField(_("brand"), max_length=20)
    last4 = models.CharField(_("last four digits"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"))
    exp_year = models.PositiveSmallIntegerField(_("expiry year"))
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved card")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_account", "reference"], name="saved_card_once"
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="saved_card_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"


class AccountTerms(models.Model):
    """One published version of the shop's account terms in one language. Editing the
    terms publishes a new version; sign-ups record the version they accepted."""

    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("terms"))
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account terms")
        ordering = ["language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["language", "version"], name="account_terms_version"),
        ]

    def __str__(self) -> str:
        return f"{self.language} v{self.version}"


class TermsAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    terms = models.ForeignKey(AccountTerms, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("terms accepted")
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.terms}"


class SignInAttempt(models.Model):
    """One refused sign-in, or one forgot-password request, kept for the rate limits
    (``accounts.services.attempts``). In the database, so the limits hold across every
    app server process; rows older than the window are deleted as new ones come."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in"
        RESET = "reset"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.CharField(max_length=254)  # as typed, lower-cased
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "email", "at"], name="signin_attempt_email_idx"),
            models.Index(fields=["kind", "ip_address", "at"], name="signin_attempt_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.email} {self.at:%Y-%m-%d %H:%M}"


class AccountEmail(models.Model):
    """The owner's version of an account email (welcome, password reset) in one
    language: a subject and a plain-text body with {placeholders}, sent in the shop's
    branded layout instead of the shipped default (``accounts.services.emails``). No row
    means the default is sent; resetting to the default deletes the row."""

    class Kind(models.TextChoices):
        WELCOME = "account_welcome", _("Welcome email")
        PASSWORD_RESET = "password_reset", _("Password reset email")

    kind = models.CharField(_("email"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account email")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="account_email_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.language}"
