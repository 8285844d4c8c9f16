"""Reads of a shopper's cart, priced at today's catalog prices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog.models import Product
from comptoir.checkout.models import Cart, CartLine
from comptoir.compiled_read import CompiledRead, CompiledValues


@dataclass(frozen=True)
class CartLineSummary:
    product: Product
    quantity: int
    unit_price: int  # minor units, the product's price today
    line_total: int
    # "" when the line can be bought as it is; else why not (see ``note``).
    problem: str
    note: str
    stock: int | None  # counted stock at the cart's location, None when not counted

    @property
    def available(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class CartSummary:
    cart: Cart | None
    lines: list[CartLineSummary]
    subtotal: int  # minor units, available lines only
    item_count: int  # every unit in the cart, available or not

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def has_unavailable(self) -> bool:
        return any(not line.available for line in self.lines)

    @property
    def ready_for_checkout(self) -> bool:
        """The order must be what the shopper sees: every line buyable as it is."""
        return bool(self.lines) and not self.has_unavailable


EMPTY = CartSummary(cart=None, lines=[], subtotal=0, item_count=0)

# Read on most storefront requests (the visitor's cart, the product added): their SQL is
# compiled once per process (Django wrote it again each time, 0.5-1 ms of Python).
_cart_with_location = CompiledRead(lambda pk: Cart.objects.select_related("location").filter(pk=pk))
_product_by_slug = CompiledRead(
    lambda slug: Product.objects.filter(slug=slug), placeholder="compiled-read-placeholder"
)


def cart_by_id(cart_id: object) -> Cart | None:
    """The cart whose id the visitor's session holds (None when it is gone). Only the
    web layer's session helper calls this: a cart id never comes from a request."""
    try:
        pk = int(cart_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return _cart_with_location.first(pk)


def item_count(cart_id: object) -> int:
    """Units in the cart, for the header link (one query, none without a cart)."""
    try:
        pk = int(cart_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
    total = CartLine.objects.filter(cart_id=pk).aggregate(units=Sum("quantity"))["units"]
    return total or 0


def product_for_cart(slug: str) -> Product | None:
    """The product a shopper asks to add, active or not (the service says why not)."""
    return _product_by_slug.first(slug)


def cart_summary(cart: Cart | None) -> CartSummary:
    """Lines with today's prices and whether each can be bought at the cart's location;
    one query whatever the number of lines: each line's availability at the location is
    joined to it (a product has at most one row per location), not prefetched. Its
    statement is compiled once per process (the checkout page and the placing request
    read it): rows of values, the products made from them as the ORM makes them."""
    if cart is None:
        return EMPTY
    summaries = [
        _summarise(
            product=Product.from_db("default", _PRODUCT_FIELDS, row[4:]),
            quantity=row[0],
            sold_here=row[1] is not None and bool(row[2]),
            stock=row[3],
            location=cart.location.name,
        )
        for row in _cart_rows.rows(None, cart.pk, cart.location_id)
    ]
    return CartSummary(
        cart=cart,
        lines=summaries,
        subtotal=sum(line.line_total for line in summaries if line.available),
        item_count=sum(line.quantity for line in summaries),
    )


_PRODUCT_FIELDS = [field.attname for field in Product._meta.concrete_fields]
# A cart's lines in the order added: quantity, the availability here (id, sold, stock),
# then the product's columns.
_cart_rows = CompiledValues(
    lambda _key, cart_id, location_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .annotate(
            here=FilteredRelation(
                "product__availabilities",
                condition=Q(product__availabilities__location_id=location_id),
            )
        )
        .values_list(
            "quantity",
            "here__id",
            "here__is_available",
            "here__stock",
            *(f"product__{name}" for name in _PRODUCT_FIELDS),
        )
    ),
    placeholders=(-7_913_572_468_135, -7_913_572_468_136),
)


def _summarise(
    *, product: Product, quantity: int, sold_here: bool, stock: int | None, location: str
) -> CartLineSummary:
    problem, note = "", ""
    if not product.is_active:
        problem, note = "product_not_sold", _("No longer sold.")
    elif not sold_here:
        problem = "not_sold_here"
        note = _("Not sold at %(location)s.") % {"location": location}
    elif stock == 0:
        problem, note = "sold_out", _("Sold out at %(location)s.") % {"location": location}
    elif stock is not None and quantity > stock:
        problem = "not_enough_stock"
        note = ngettext("Only %(count)d left.", "Only %(count)d left.", stock) % {"count": stock}
    return CartLineSummary(
        product=product,
        quantity=quantity,
        unit_price=product.price,
        line_total=product.price * quantity,
        problem=problem,
        note=note,
        stock=stock,
    )
