"""Row locks taken by cart changes, always in the same order (carts by id) so two
requests touching the same carts (a sign-in merge and an add in another tab) queue
instead of deadlocking."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.checkout.models import Cart
from comptoir.compiled_read import CompiledRead
from comptoir.errors import NotFound

# One cart (every add, change and removal): the statement compiled once per process.
_lock_one = CompiledRead(
    lambda pk: Cart.objects.select_for_update(of=("self",)).select_related("location").filter(pk=pk)
)


def lock_carts(*carts: Cart) -> list[Cart]:
    """Fresh, locked copies of ``carts`` in the order given. Call inside
    ``transaction.atomic()``. NotFound when one is gone (merged away meanwhile)."""
    ids = sorted({cart.pk for cart in carts})
    if len(ids) == 1:
        one = _lock_one.first(ids[0])
        locked = {one.pk: one} if one is not None else {}
    else:
        locked = {
            cart.pk: cart
            for cart in Cart.objects.select_for_update(of=("self",))
            .select_related("location")
            .filter(pk__in=ids)
            .order_by("pk")
        }
    if len(locked) != len(ids):
        raise NotFound(_("Your cart has expired. Please add the products again."), code="cart_gone")
    return [locked[cart.pk] for cart in carts]
