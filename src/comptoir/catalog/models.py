"""What the shop sells: categories, products, and each product's availability and
stock at each location. Names and descriptions exist in French and English; the
shop's published language is required, the other falls back to it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(obj: models.Model, field: str, language: str | None = None) -> str:
    """The French or English text of ``field``, falling back to the other language."""
    language = (language or get_language() or "fr")[:2]
    first, second = ("en", "fr") if language == "en" else ("fr", "en")
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")


class Category(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")


class Product(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name_fr = models.CharField(_("name (French)"), max_length=160, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    slug = models.SlugField(_("short name in links"), max_length=180, unique=True)
    sku = models.CharField(_("SKU"), max_length=64, blank=True, null=True, unique=True)
    price = models.PositiveIntegerField(
        _("price (minor units)"), help_text=_("In cents: 250 means 2.50.")
    )
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "position", "id"]
        verbose_name = _("product")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def description(self) -> str:
        return in_language(self, "description")


class Availability(models.Model):
    """Whether a product is sold at a location, and its stock there. A null stock
    means "not counted"; a counted stock never goes below zero."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="availabilities")
    location = models.ForeignKey(
        "shop.Location", on_delete=models.CASCADE, related_name="availabilities"
    )
    is_available = models.BooleanField(_("sold here"), default=True)
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Leave empty not to count stock.")
    )

    class Meta:
        verbose_name = _("availability")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "location"], name="availability_once_per_location"
            ),
            models.CheckConstraint(
                condition=models.Q(stock__gte=0) | models.Q(stock__isnull=True),
                name="availability_stock_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.location}"

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0
