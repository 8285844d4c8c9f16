"""Where the web layer keeps the visitor's cart: its id in the Django session, the only
way a request reaches a cart (no cart id is ever read from a URL or a form)."""

from __future__ import annotations

from django.http import HttpRequest

from comptoir.checkout.models import Cart
from comptoir.checkout.selectors import cart_by_id, item_count
from comptoir.checkout.services import keep_cart_at_sign_in
from comptoir.users.models import User

CART_SESSION_KEY = "cart_id"


def session_cart(request: HttpRequest) -> Cart | None:
    cart_id = request.session.get(CART_SESSION_KEY)
    if cart_id is None:
        return None
    cart = cart_by_id(cart_id)
    if cart is not None and cart.owner_id is not None and cart.owner_id != request.user.pk:
        # An account's cart is only ever shown to that account.
        cart = None
    if cart is None:
        request.session.pop(CART_SESSION_KEY, None)
    return cart


def remember_cart(request: HttpRequest, cart: Cart | None) -> None:
    if cart is None:
        request.session.pop(CART_SESSION_KEY, None)
    else:
        request.session[CART_SESSION_KEY] = cart.pk


def cart_item_count(request: HttpRequest) -> int:
    # A cart view that has just summarised the cart leaves the count on the request.
    known = getattr(request, "cart_item_count", None)
    if known is not None:
        return int(known)
    return item_count(request.session.get(CART_SESSION_KEY))


def keep_cart_after_sign_in(request: HttpRequest, cart_before: Cart | None, user: User) -> None:
    """For the sign-in view: ``cart_before`` is ``session_cart(request)`` read before
    ``login()``; the visitor's cart and the account's are merged and kept in the session."""
    remember_cart(request, keep_cart_at_sign_in(cart=cart_before, owner=user))
