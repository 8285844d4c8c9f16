"""Reorder: the items of a past order back in the shopper's cart at today's prices (the
cart never stores a price). What can no longer be bought there is skipped, each with its
reason, and the shopper changes the cart before paying."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from comptoir.checkout.models import Cart
from comptoir.checkout.services import add_to_cart, start_cart
from comptoir.errors import DomainError
from comptoir.orders.models import Order
from comptoir.shop.models import Location
from comptoir.users.models import User


@dataclass
class Reordered:
    cart: Cart | None
    added: list[tuple[str, int]] = field(default_factory=list)  # (name, quantity)
    skipped: list[str] = field(default_factory=list)  # one message per item left out


def reorder(
    *, order: Order, cart: Cart | None, location: Location, owner: User | None
) -> Reordered:
    """Add each line of ``order`` (one of the shopper's own, from the account selector)
    to ``cart`` (the shopper's, at ``location``), or to a new cart at ``location``. Each
    item is added on its own: one that cannot be added does not stop the others."""
    result = Reordered(cart=cart)
    for line in order.lines.all():
        product = line.product
        try:
            if product is None:
                raise DomainError(_("%(product)s is no longer sold.") % {"product": line.name})
            if result.cart is None:
                result.cart = start_cart(
                    location=location, product=product, quantity=line.quantity, owner=owner
                )
            else:
                add_to_cart(cart=result.cart, product=product, quantity=line.quantity)
        except DomainError as error:
            result.skipped.append(str(error.message))
        else:
            result.added.append((product.name, line.quantity))
    return result
