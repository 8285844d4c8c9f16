"""Orders: what a customer bought, where, for how much, and how it reaches them.

An order has at most one fulfilment (donations and e-gift cards have none). Amounts
are integers in minor units beside the currency. Names, SKUs, prices and the contact
details are snapshots taken at checkout: later catalog or profile edits never change
what was sold. Allowed fulfilment transitions live in ``orders.states``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.users.models import Language


class OrderState(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class OrderSource(models.TextChoices):
    SITE = "site", _("Website")
    TABLE = "table", _("Table")
    PARTNER = "partner", _("Partner")
    COUNTER = "counter", _("Counter")


class FulfilmentType(models.TextChoices):
    PICKUP = "pickup", _("Pickup")
    DELIVERY = "delivery", _("Delivery")
    SHIPMENT = "shipment", _("Shipment")
    TABLE = "table", _("Table")


class FulfilmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RESERVED = "reserved", _("Reserved")
    PREPARED = "prepared", _("Prepared")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class OrderNumber(models.Model):
    """One row per number handed out. The database's auto-increment makes numbers unique
    without a counter row every checkout would queue on; a rolled-back order leaves a gap."""

    class Meta:
        verbose_name = _("order number")

    def __str__(self) -> str:
        return str(self.pk)


class Order(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=OrderState.choices, default=OrderState.OPEN
    )
    source = models.CharField(
        _("source"), max_length=10, choices=OrderSource.choices, default=OrderSource.SITE
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("customer"),
    )
    # The shopper's login when the order was placed signed in (their online history);
    # set to null when the account is deleted, the order staying with the merchant.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("account"),
    )
    location = models.ForeignKey(
        "shop.Location", on_delete=models.PROTECT, related_name="orders", verbose_name=_("location")
    )
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.PositiveBigIntegerField(_("subtotal"))
    fees = models.PositiveBigIntegerField(_("fees"), default=0)
    # What a coupon took off (the payments cover the rest) and its code as shown to the
    # customer; the total is what was paid: subtotal + fees - discount (decision 0020).
    discount = models.PositiveBigIntegerField(_("discount"), default=0)
    discount_code = models.CharField(_("coupon"), max_length=24, blank=True)
    total = models.PositiveBigIntegerField(_("total"))

    # As given at checkout.
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)

    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    placed_at = models.DateTimeField(_("placed"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every staff change, which is made only if the version read is still current.
    version = models.PositiveIntegerField(default=1)

    # The "text me about this order" box: ticked or not, the exact words shown, and when.
    sms_consent = models.BooleanField(_("texts about this order"), default=False)
    sms_consent_text = models.TextField(blank=True)
    sms_consent_at = models.DateTimeField(null=True, blank=True)

    # The secret part of the guest status link (compared in constant time by the selector).
    status_token = models.CharField(max_length=64)

    # A donation: one line without product, no fulfilment, completed when paid.
    is_donation = models.BooleanField(_("donation"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("order")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("subtotal") + models.F("fees") - models.F("discount")
                ),
                name="order_total_is_subtotal_plus_fees_less_discount",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed_idx"),
            models.Index(fields=["account", "-placed_at"], name="order_account_placed_idx"),
            # The account's order history (accounts.selectors.account_orders): both
            # equalities, then its order, so a page is read from the index without a sort
            # and its ids (and the count) from the index alone.
            models.Index(
                fields=["account", "customer", "-placed_at", "-id"],
                name="order_account_history_idx",
            ),
            models.Index(fields=["location", "-placed_at"], name="order_location_placed_idx"),
            # The Orders page of every location, newest first.
            models.Index(fields=["-placed_at", "-id"], name="order_placed_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    # The category when sold: kitchen stations route lines by it (orders issue).
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=160)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    unit_price = models.PositiveBigIntegerField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    total = models.PositiveBigIntegerField(_("total"))

    class Meta:
        verbose_name = _("order line")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(total=models.F("unit_price") * models.F("quantity")),
                name="order_line_total_is_price_times_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class Fulfilment(models.Model):
    """How the order reaches the customer (Square's model). Each transition stamps its time."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="fulfilment")
    type = models.CharField(_("type"), max_length=10, choices=FulfilmentType.choices)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=FulfilmentState.choices,
        default=FulfilmentState.PROPOSED,
    )
    preparation_minutes = models.PositiveSmallIntegerField(_("preparation time (minutes)"))

    # Pickup (curbside: the customer waits in their vehicle).
    pickup_at = models.DateTimeField(_("pickup time"), null=True, blank=True)
    curbside = models.BooleanField(_("curbside"), default=False)
    vehicle = models.CharField(_("vehicle"), max_length=120, blank=True)
    arrived_at = models.DateTimeField(_("customer arrived"), null=True, blank=True)
    # Delivery and shipment.
    deliver_at = models.DateTimeField(_("delivery time"), null=True, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    courier_notes = models.TextField(_("notes for the courier"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    # Table.
    table_label = models.CharField(_("table"), max_length=40, blank=True)

    placed_at = models.DateTimeField(_("placed"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("fulfilment")
        indexes = [
            models.Index(fields=["state", "type"], name="fulfilment_state_type_idx"),
            # The orders waiting to be accepted, oldest first (the Orders page's reminder
            # and the staff alert): few rows at any time, read without a sort.
            models.Index(
                fields=["placed_at", "order"],
                condition=models.Q(state="proposed"),
                name="fulfilment_proposed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_state_display()})"


class OrderEventKind(models.TextChoices):
    """What an order's timeline records. The field keeps no ``choices`` in the database
    schema, so that adding a kind here needs no migration."""

    ACCEPTED = "accepted", _("Accepted")
    READY = "ready", _("Ready")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")
    ARRIVED = "arrived", _("Customer arrived")
    DELAYED = "delayed", _("Preparation delayed")
    PARTNER_UPDATED = "partner_updated", _("Updated by the partner")
    LINES_CANCELLED = "lines_cancelled", _("Items removed")
    CARD_REFUND_SENT = "card_refund_sent", _("Card refund confirmed")
    COUNTER_PLACED = "counter_placed", _("Entered by staff")
    PAYMENT_LINK_PAID = "payment_link_paid", _("Paid through the payment link")
    NOT_ACCEPTED_REMINDER = "not_accepted_reminder", _("Staff reminded: not accepted yet")
    TEXT_FAILED_EMAILED = "text_failed_emailed", _("Text not delivered: update sent by email")


class OrderEvent(models.Model):
    """A row of the order's timeline: what happened, who did it (null: the customer, a
    partner or the system), and for state changes the fulfilment states before and after.
    ``detail`` holds codes, ids and numbers only (e.g. the new preparation time), never
    free text: what staff wrote (a cancel reason) stays on the fulfilment."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=40)
    from_state = models.CharField(_("from"), max_length=10, blank=True)
    to_state = models.CharField(_("to"), max_length=10, blank=True)
    actor = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("order event")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="order_event_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    @property
    def kind_label(self) -> str:
        try:
            return str(OrderEventKind(self.kind).label)
        except ValueError:
            return self.kind


class Payment(models.Model):
    """Money taken for an order at a gateway. Only the card's brand and last four digits
    are kept, never its number."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("gateway"), max_length=20)
    account = models.CharField(_("gateway account"), max_length=255, blank=True)
    reference = models.CharField(_("reference"), max_length=255)
    method = models.CharField(_("method"), max_length=20)
    amount = models.PositiveBigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last four digits"), max_length=4, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        ordering = ["id"]
        constraints = [
            # One charge pays one order: a replayed checkout cannot attach it twice.
            models.UniqueConstraint(
                fields=["gateway", "reference"], name="payment_once_per_charge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.reference}"


class PaymentLinkState(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentLink(models.Model):
    """A counter or phone order the customer pays by card on the storefront
    (orders.counter). It holds what staff entered; the order itself is placed, like a
    checkout, once the card is charged, so an unpaid order never reaches the Orders page,
    the stock or the customer's totals. Expired: past ``expires_at`` while pending."""

    # The unguessable part of the storefront address (secrets.token_urlsafe).
    token = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    location = models.ForeignKey(
        "shop.Location", on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="payment_links",
        verbose_name=_("customer"),
    )
    created_by = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.PositiveBigIntegerField(_("amount"))
    # Product ids, quantities and unit prices, the fulfilment and the contact as entered.
    draft = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=PaymentLinkState.choices,
        default=PaymentLinkState.PENDING,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # Cancelled by staff (the pay page then says so and offers nothing to pay).
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "team.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    # Every email of the link (the first and each resend): how many, the last one's
    # time and address (the customer's email, or a corrected one typed by staff).
    send_count = models.PositiveIntegerField(_("emails sent"), default=1)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    order = models.OneToOneField(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_link",
        verbose_name=_("order"),
    )

    class Meta:
        verbose_name = _("payment link")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.state})"

    @property
    def is_expired(self) -> bool:
        return self.state == PaymentLinkState.PENDING and self.expires_at <= timezone.now()
