"""Customer records: every order belongs to one, guest or signed in. A record may have
no email (customers known only by phone come with counter orders and texts); when it
has one, no other record has the same address, whatever its case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.customers.search import search_text_for
from comptoir.users.models import Language


class CustomerKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    BUSINESS = "business", _("Business")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Customer(models.Model):
    # Personal
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    initials = models.CharField(
        _("initials"), max_length=20, blank=True, help_text=_("Middle name or initials.")
    )
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, null=True, blank=True)
    # While pending, the customer cannot sign in; approving emails them (customers.services).
    pending_approval = models.BooleanField(_("pending approval"), default=False)
    # Contact. Phones in E.164 ("+33612345678"), normalised by customers.phones.to_e164.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # The current state; every change is a MarketingConsentChange row (date, source, who).
    accepts_marketing = models.BooleanField(_("accepts promotional email"), default=False)
    # Customer type and company (the company fields matter only for business customers).
    kind = models.CharField(
        _("customer type"),
        max_length=10,
        choices=CustomerKind.choices,
        default=CustomerKind.PERSONAL,
    )
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    company_id_number = models.CharField(_("company ID number"), max_length=50, blank=True)
    chamber_of_commerce_number = models.CharField(
        _("chamber of commerce number"), max_length=50, blank=True
    )
    vat_id = models.CharField(_("VAT / tax ID"), max_length=30, blank=True)
    # Shipping goes to the billing address unless a CustomerAddress of role "shipping"
    # says otherwise.
    shipping_same_as_billing = models.BooleanField(_("shipping same as billing"), default=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Seen only in the back office."))
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
    # Set by customers.services.erasure: every personal field is blank, the record stays
    # only so that its orders keep their customer.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
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
            models.Index(fields=["mobile"], name="customer_mobile_idx"),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return str(_("Erased customer #%(number)s") % {"number": self.pk})
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def computed_search_text(self) -> str:
        return search_text_for(
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            phone=self.phone,
            mobile=self.mobile,
            company_name=self.company_name,
        )

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.initials, self.last_name) if part)

    @property
    def is_business(self) -> bool:
        return self.kind == CustomerKind.BUSINESS


class CustomerSpending(models.Model):
    """What a record's orders add up to, for the directory's columns, sorts and filters:
    order count, total spent (cancelled orders excluded), last order and its location.
    One row per record, created with it and kept by customers.services.order_stats. A
    table of its own so that counting an order updates this narrow row, not the wide
    customer row and its search index (every update of which adds a version of ~40
    trigram entries to that index)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="spending"
    )
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    total_spent = models.BigIntegerField(_("total spent"), default=0)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    last_location = models.ForeignKey(
        "shop.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location of last order"),
    )

    class Meta:
        verbose_name = _("customer spending")
        indexes = [
            models.Index(
                models.F("total_spent").desc(),
                models.F("customer_id").desc(),
                name="spending_total_idx",
            ),
            # Plus spending_last_order_idx (migration 0007: SQLite indexes take no NULLS LAST).
        ]

    def __str__(self) -> str:
        return f"#{self.customer_id}: {self.order_count} orders, {self.total_spent}"


class CustomerSearchEntry(models.Model):
    """A record's row in the directory's search: its folded search text and its names in
    lower case (the order of a search's matches). A narrow table of its own, half the
    pages of the customer table, so that a broad search ("helene": 11,000 matches at
    200,000 records) reads and sorts its matches from fewer pages (decision 0032).

    Kept by the database itself: triggers on the customer table (migration 0008) write
    the row when a record is created, rewrite it when its search text or names change
    and delete it with the record, whatever wrote the record (a service, an import, a
    bulk load). Derived from the record's exported fields, so not exported; erasing or
    merging the record rewrites or deletes it with the record."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.DO_NOTHING,  # deleted by the database's trigger
        db_constraint=False,
        primary_key=True,
        related_name="search_entry",
    )
    search_text = models.TextField()
    last_name_key = models.TextField()
    first_name_key = models.TextField()

    class Meta:
        verbose_name = _("customer search entry")
        # Plus customer_search_entry_trgm on PostgreSQL (migration 0008). No index on
        # the name keys, on purpose: a search's matches are always taken from the
        # trigram index and sorted, never found by walking names in order.

    def __str__(self) -> str:
        return f"#{self.customer_id}"


class AddressRole(models.TextChoices):
    BILLING = "billing", _("Billing address")
    SHIPPING = "shipping", _("Shipping address")


class CustomerAddress(models.Model):
    """The merchant's billing or shipping address of a record (the CRM's; the shopper's own
    saved addresses are accounts.SavedAddress, which the back office only reads)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="record_addresses"
    )
    role = models.CharField(_("role"), max_length=10, choices=AddressRole.choices)
    country = models.CharField(_("country"), max_length=2)
    attention = models.CharField(_("attention of"), max_length=200, blank=True)
    line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    house_number_extension = models.CharField(_("extension"), max_length=20, blank=True)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("customer address")
        constraints = [
            models.UniqueConstraint(fields=["customer", "role"], name="customer_address_role"),
        ]
        indexes = [models.Index(fields=["postal_code"], name="customer_address_postcode_idx")]

    def __str__(self) -> str:
        street = " ".join(
            part for part in (self.line1, self.house_number, self.house_number_extension) if part
        )
        return ", ".join(
            part
            for part in (street, self.line2, f"{self.postal_code} {self.city}".strip(), self.region)
            if part
        )


class ConsentSource(models.TextChoices):
    BACK_OFFICE = "back_office", _("Back office")
    IMPORT = "import", _("CSV import")
    CHECKOUT = "checkout", _("Checkout")
    ACCOUNT = "account", _("Customer account")
    MERGE = "merge", _("Merge")


class MarketingConsentChange(models.Model):
    """One change of the "accepts promotional email" consent: kept as proof (when, how,
    who), newest last. Moves with the record on a merge; deleted on erasure."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="marketing_consent_changes"
    )
    accepts = models.BooleanField(_("accepts"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("marketing consent change")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d} {self.source}: {self.accepts}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Record created")
    EDITED = "edited", _("Record edited")
    IMPORTED = "imported", _("Updated by a CSV import")
    APPROVED = "approved", _("Account approved")
    PASSWORD_LINK_SENT = "password_link_sent", _("Password link sent")
    MERGED = "merged", _("Another record merged into this one")
    DATA_EXPORTED = "data_exported", _("Personal data exported")


class CustomerEvent(models.Model):
    """The record's timeline (orders and emails come from their own tables). ``detail``
    holds codes and ids only (e.g. the names of the edited fields), never the values."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("customer event")
        indexes = [models.Index(fields=["customer", "at"], name="customer_event_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class CustomerErasure(models.Model):
    """That a record was erased, by whom and when: no personal data (the record's former
    number is not personal once the record is anonymised)."""

    customer_number = models.PositiveBigIntegerField(_("customer number"))
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    erased_by = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("erased by"),
    )

    class Meta:
        verbose_name = _("customer erasure")

    def __str__(self) -> str:
        return f"#{self.customer_number} {self.erased_at:%Y-%m-%d}"
