"""The shop itself (one per installation), its theme and its locations."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.users.models import Language

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f6f4a."))


class ButtonShape(models.TextChoices):
    SQUARE = "square", _("Square")
    ROUNDED = "rounded", _("Rounded")
    PILL = "pill", _("Pill")


class FontFamily(models.TextChoices):
    SYSTEM = "system", _("System sans-serif")
    SERIF = "serif", _("Serif (Georgia)")
    HUMANIST = "humanist", _("Humanist (Optima, Candara)")
    MONO = "mono", _("Monospace")


FONT_STACKS = {
    FontFamily.SYSTEM: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    FontFamily.SERIF: 'Georgia, "Times New Roman", serif',
    FontFamily.HUMANIST: 'Optima, Candara, "Noto Sans", sans-serif',
    FontFamily.MONO: 'ui-monospace, "SFMono-Regular", Menlo, monospace',
}

BUTTON_RADII = {ButtonShape.SQUARE: "0", ButtonShape.ROUNDED: "0.5rem", ButtonShape.PILL: "999px"}


REMINDER_RANGE_MESSAGE = _("Choose a reminder delay from 1 to 120 minutes.")


class PaymentGateway(models.TextChoices):
    TEST = "test", _("Test payments (no real money)")
    STRIPE = "stripe", _("Stripe")


class Shop(models.Model):
    """The one shop of this installation (always pk=1)."""

    SINGLETON_PK = 1

    name = models.CharField(_("shop name"), max_length=120, default="Comptoir")
    published_language = models.CharField(
        _("published language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    publishes_both_languages = models.BooleanField(
        _("also publish the other language"),
        default=False,
        help_text=_("Visitors can then switch between French and English."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    country = models.CharField(
        _("country"),
        max_length=2,
        default="FR",
        help_text=_("Two-letter code; the default region for phone numbers and addresses."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_address = models.TextField(_("contact address"), blank=True)
    policies = models.TextField(
        _("policies"),
        blank=True,
        help_text=_("Refund, delivery and privacy terms shown to shoppers."),
    )

    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f6f4a", validators=[hex_colour]
    )
    background_colour = models.CharField(
        _("background colour"), max_length=7, default="#fbf8f3", validators=[hex_colour]
    )
    text_colour = models.CharField(
        _("text colour"), max_length=7, default="#222222", validators=[hex_colour]
    )
    font_family = models.CharField(
        _("font family"), max_length=16, choices=FontFamily.choices, default=FontFamily.SYSTEM
    )
    button_shape = models.CharField(
        _("button shape"), max_length=8, choices=ButtonShape.choices, default=ButtonShape.ROUNDED
    )
    logo = models.ImageField(_("logo"), upload_to="shop/", blank=True)

    customer_accounts_enabled = models.BooleanField(
        _("customer accounts"),
        default=True,
        help_text=_("Let shoppers create an account. Guest checkout always stays possible."),
    )
    payment_gateway = models.CharField(
        _("payment gateway"),
        max_length=10,
        choices=PaymentGateway.choices,
        default=PaymentGateway.TEST,
        help_text=_(
            "Cards saved with one Stripe account cannot be used after switching to another."
        ),
    )
    donations_enabled = models.BooleanField(
        _("donations"),
        default=False,
        help_text=_("Offer shoppers a page to give an amount of their choice."),
    )
    # Suggested amounts in minor units, shown as buttons on the donation page.
    donation_amounts = models.JSONField(_("suggested donation amounts"), default=list, blank=True)
    acceptance_reminder_minutes = models.PositiveSmallIntegerField(
        _("remind staff of orders not accepted after (minutes)"),
        default=5,
        validators=[
            MinValueValidator(1, message=REMINDER_RANGE_MESSAGE),
            MaxValueValidator(120, message=REMINDER_RANGE_MESSAGE),
        ],
        help_text=_("Staff who get new-order notifications are emailed once, from 1 to 120."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="shop_is_singleton"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def languages(self) -> list[str]:
        """Published languages, the main one first."""
        if self.publishes_both_languages:
            other = (
                Language.ENGLISH if self.published_language == Language.FRENCH else Language.FRENCH
            )
            return [self.published_language, str(other)]
        return [self.published_language]

    @property
    def font_stack(self) -> str:
        return FONT_STACKS[FontFamily(self.font_family)]

    @property
    def button_radius(self) -> str:
        return BUTTON_RADII[ButtonShape(self.button_shape)]


class FulfilmentType(models.TextChoices):
    PICKUP = "pickup", _("Pickup")
    CURBSIDE = "curbside", _("Curbside pickup")
    DELIVERY = "delivery", _("Local delivery")
    SHIPPING = "shipping", _("Shipping")
    TABLE = "table", _("Table ordering")


class Location(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    preparation_minutes = models.PositiveSmallIntegerField(
        _("default preparation time (minutes)"),
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 60)],
    )
    fulfilment_types = models.JSONField(
        _("fulfilment offered"),
        default=list,
        blank=True,
        help_text=_(
            "Which of pickup, curbside, delivery, shipping and table ordering this location offers."
        ),
    )
    is_active = models.BooleanField(_("open for orders"), default=True)
    # Local delivery: [{"postal_codes": ["75009", ...], "fee": 350}, ...] (fee in minor
    # units); a postal code outside every zone is not delivered. See shop/delivery.py.
    delivery_zones = models.JSONField(_("delivery zones"), default=list, blank=True)
    shipping_rate = models.PositiveIntegerField(
        _("shipping rate"), default=0, help_text=_("Flat rate for every shipped order.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("location")

    def __str__(self) -> str:
        return self.name

    def offers(self, fulfilment: FulfilmentType | str) -> bool:
        return str(fulfilment) in self.fulfilment_types

    @property
    def fulfilment_labels(self) -> list[str]:
        return [str(FulfilmentType(value).label) for value in self.fulfilment_types]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening span on one weekday, in the location's time zone. A day may have
    several spans (closed at lunch); a day with none is closed."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="opening_hours_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"
