"""The shopper's cart. It holds products and quantities only: prices are always read
from the catalog when the cart is shown, so a price change is never missed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_QUANTITY = 99


class Cart(models.Model):
    """One visitor's cart, found through the id kept in their session (never from a
    URL or a form). ``owner`` is set when a signed-in customer keeps it (accounts)."""

    location = models.ForeignKey(
        "shop.Location", on_delete=models.CASCADE, related_name="carts", verbose_name=_("location")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: abandoned carts are purged by age.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("cart")
        constraints = [
            # An account keeps one cart; a sign-in merges the visitor's cart into it.
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(owner__isnull=False), name="cart_one_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_once_per_product"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1) & models.Q(quantity__lte=MAX_QUANTITY),
                name="cart_line_quantity_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"
