"""What the built-in test gateway remembers. It stands in for a card processor, so it
keeps what a processor would show a merchant (brand, last four digits, expiry) and
never the card number or the security code. Stripe keeps its own records: nothing
here is used when Stripe is the active gateway."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TestOutcome(models.TextChoices):
    APPROVE = "approve", _("Approves")
    DECLINE = "decline", _("Declined")
    INSUFFICIENT_FUNDS = "insufficient_funds", _("Insufficient funds")
    NETWORK_FAILURE = "network_failure", _("Network failure")


class TestCardToken(models.Model):
    """A tokenized test card ("tok_test_…") or a card saved at the test gateway
    ("card_test_…"). Rows rather than memory so the web and worker processes agree."""

    __test__ = False  # not a pytest test class, whatever its name

    token = models.CharField(max_length=64, unique=True)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, choices=TestOutcome.choices)
    # Set on saved cards only: the test gateway's customer the card is kept for.
    customer_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test card token")

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"


class TestCharge(models.Model):
    """A charge taken by the test gateway; one per idempotency key."""

    __test__ = False

    reference = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=10)  # "card" or "wallet"
    # What the charge shows of the card, kept here so a replayed charge answers the
    # same even after the saved card is deleted.
    card_token = models.CharField(max_length=64, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test charge")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("amount")),
                name="test_charge_refund_within_amount",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class TestRefund(models.Model):
    """A refund given by the test gateway; one per idempotency key."""

    __test__ = False

    reference = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    charge = models.ForeignKey(TestCharge, on_delete=models.CASCADE, related_name="refunds")
    amount = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test refund")

    def __str__(self) -> str:
        return self.reference
