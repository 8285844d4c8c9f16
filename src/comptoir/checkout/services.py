"""Changes to a shopper's cart.

The cart is its own capability: callers only ever hold one taken from the visitor's
session (or, later, the signed-in customer's account), never one named in a request,
so these functions take no separate actor. Each one checks that the product may be
bought at the cart's location, in a quantity from 1 to MAX_QUANTITY and not above the
counted stock there. Stock is only read here: it is taken when the order is placed.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog.models import Availability, Product
from comptoir.checkout.locks import lock_carts
from comptoir.checkout.models import MAX_QUANTITY, Cart, CartLine
from comptoir.compiled_read import CompiledValues
from comptoir.errors import Conflict, DomainError, NotFound
from comptoir.shop.models import Location
from comptoir.users.models import User


def start_cart(
    *, location: Location, product: Product, quantity: int = 1, owner: User | None = None
) -> Cart:
    """A new cart at ``location`` holding ``product``; nothing is created when the
    product cannot be added (no empty carts left behind by a refused first add)."""
    _check_quantity(quantity)
    _check_sellable(product, location, quantity)
    with transaction.atomic():
        cart = Cart.objects.create(location=location, owner=owner)
        CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    return cart


def add_to_cart(*, cart: Cart, product: Product, quantity: int = 1) -> CartLine:
    """Adds ``quantity`` of ``product`` (to the line already there, if any)."""
    _check_quantity(quantity)
    with transaction.atomic():
        (cart,) = lock_carts(cart)
        line = CartLine.objects.filter(cart=cart, product=product).first()
        total = quantity + (line.quantity if line else 0)
        if total > MAX_QUANTITY:
            raise DomainError(
                _("You can have at most %(max)d of one product in your cart.")
                % {"max": MAX_QUANTITY},
                code="invalid_quantity",
            )
        _check_sellable(product, cart.location, total)
        if line is None:
            line = CartLine.objects.create(cart=cart, product=product, quantity=total)
        else:
            line.quantity = total
            line.save(update_fields=["quantity"])
        _touch(cart)
    return line


def set_quantity(*, cart: Cart, product: Product, quantity: int) -> CartLine | None:
    """Sets the quantity of a product already in the cart; 0 removes it (None returned)."""
    if quantity == 0:
        remove_from_cart(cart=cart, product=product)
        return None
    _check_quantity(quantity)
    with transaction.atomic():
        (cart,) = lock_carts(cart)
        line = CartLine.objects.filter(cart=cart, product=product).first()
        if line is None:
            raise NotFound(
                _("%(product)s is not in your cart.") % {"product": product.name},
                code="not_in_cart",
            )
        _check_sellable(product, cart.location, quantity)
        if line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
            _touch(cart)
    return line


def remove_from_cart(*, cart: Cart, product: Product) -> None:
    """Takes ``product`` out of the cart; removing what is not there is not an error
    (a double-submitted form must not show one)."""
    with transaction.atomic():
        (cart,) = lock_carts(cart)
        deleted, _counts = CartLine.objects.filter(cart=cart, product=product).delete()
        if deleted:
            _touch(cart)


def relocate_cart(*, cart: Cart, location: Location) -> Cart:
    """Follows the shopper to another location. Lines stay; those not sold there show
    as unavailable and count for nothing until the shopper comes back or removes them."""
    if cart.location_id == location.pk:
        return cart
    with transaction.atomic():
        (locked,) = lock_carts(cart)
        locked.location = location
        locked.save(update_fields=["location", "updated_at"])
    return locked


def merge_carts(*, into: Cart, from_: Cart) -> Cart:
    """Moves every line of ``from_`` into ``into`` and deletes ``from_``. Quantities of
    the same product are summed, then capped by MAX_QUANTITY and the counted stock at
    ``into``'s location (never below 1: a sold-out line stays, shown as sold out).
    Lines not sellable there are kept too, shown as unavailable: a merge loses nothing.
    ``into`` takes ``from_``'s owner when it has none."""
    if into.pk == from_.pk:
        return into
    with transaction.atomic():
        into, from_ = lock_carts(into, from_)
        incoming = list(CartLine.objects.filter(cart=from_))
        existing = {line.product_id: line for line in CartLine.objects.filter(cart=into)}
        counted = Availability.objects.filter(
            location_id=into.location_id,
            product_id__in=[line.product_id for line in incoming],
            is_available=True,
            stock__isnull=False,
        ).values_list("product_id", "stock")
        stock = {product_id: count for product_id, count in counted if count is not None}
        changed: list[CartLine] = []
        for line in incoming:
            current = existing.get(line.product_id)
            total = line.quantity + (current.quantity if current else 0)
            cap = min(MAX_QUANTITY, stock.get(line.product_id, MAX_QUANTITY))
            quantity = max(1, min(total, cap))
            if current is None:
                # Re-pointed rather than copied: it keeps its place in the cart.
                line.cart = into
                line.quantity = quantity
                changed.append(line)
            elif current.quantity != quantity:
                current.quantity = quantity
                changed.append(current)
        owner = into.owner_id or from_.owner_id
        # Deleted first: its lines move away below, and an owner is held by one cart only.
        CartLine.objects.filter(cart=from_).exclude(
            pk__in=[line.pk for line in changed if line.cart_id == into.pk]
        ).delete()
        CartLine.objects.bulk_update(changed, ["cart", "quantity"])
        Cart.objects.filter(pk=from_.pk).delete()
        into.owner_id = owner
        into.save(update_fields=["owner", "updated_at"])
    return into


def keep_cart_at_sign_in(*, cart: Cart | None, owner: User) -> Cart | None:
    """The cart a customer has once signed in: the visitor's ``cart`` (from the session
    before sign-in) merged with the one their account kept, and owned by the account.
    Sign-in calls this and stores the result's id in the new session."""
    account_cart = Cart.objects.select_related("location").filter(owner=owner).first()
    if cart is None or cart.owner_id == owner.pk:
        return account_cart or cart
    if cart.owner_id is not None:
        # Another account's cart left in this browser's session: not this customer's.
        return account_cart
    if account_cart is None:
        with transaction.atomic():
            (locked,) = lock_carts(cart)
            locked.owner = owner
            locked.save(update_fields=["owner", "updated_at"])
        return locked
    # The visitor's cart wins the location: it is where they are shopping now.
    return merge_carts(into=cart, from_=account_cart)


# --- checks ------------------------------------------------------------------------------


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise TypeError(f"quantity must be an int, not {quantity!r}")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(
            _("Choose a quantity from 1 to %(max)d.") % {"max": MAX_QUANTITY},
            code="invalid_quantity",
        )


# Whether a product is sold at a location, and its counted stock there (every add to
# cart): the statement compiled once per process.
_availability = CompiledValues(
    lambda _key, product_id, location_id: Availability.objects.filter(
        product_id=product_id, location_id=location_id
    ).values_list("is_available", "stock"),
    placeholders=(-7_913_572_468_135, -7_913_572_468_136),
)


def _check_sellable(product: Product, location: Location, quantity: int) -> None:
    """Refuses ``quantity`` of ``product`` at ``location`` with the shopper's reason."""
    names = {"product": product.name, "location": location.name}
    if not product.is_active:
        raise DomainError(_("%(product)s is no longer sold.") % names, code="product_not_sold")
    found = _availability.rows(None, product.pk, location.pk)
    if not found or not found[0][0]:
        raise DomainError(
            _("%(product)s is not sold at %(location)s.") % names, code="not_sold_here"
        )
    stock = found[0][1]
    if stock is not None and quantity > stock:
        if stock == 0:
            raise Conflict(_("%(product)s is sold out at %(location)s.") % names, code="sold_out")
        raise Conflict(
            ngettext(
                "Only %(count)d left of %(product)s.",
                "Only %(count)d left of %(product)s.",
                stock,
            )
            % {"count": stock, **names},
            code="not_enough_stock",
        )


def _touch(cart: Cart) -> None:
    cart.save(update_fields=["updated_at"])


def empty_cart(*, cart: Cart) -> None:
    """The order is placed: the cart and its lines are done with. Called in the order's
    transaction by the checkout (``place_order``'s ``on_placed``)."""
    if connection.vendor == "postgresql":
        # One statement, atomic on its own (no savepoint inside the order's
        # transaction), without Django's deletion collector: the lines, then the cart.
        lines, carts = CartLine._meta.db_table, Cart._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH lines AS (DELETE FROM {lines} WHERE cart_id = %s) "  # noqa: S608
                f"DELETE FROM {carts} WHERE id = %s",
                [cart.pk, cart.pk],
            )
        return
    # Deleting the instance (not a queryset) spares the SELECT of the cart to collect.
    # No savepoint: in the order's transaction a failure rolls the order back anyway.
    with transaction.atomic(savepoint=False):
        Cart(pk=cart.pk).delete()
