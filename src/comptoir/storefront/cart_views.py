"""The shopper's cart pages. Plain forms that work without JavaScript; with htmx, the
quantity and remove forms swap the cart in place (the ``cart`` partial)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from comptoir.catalog.models import Product
from comptoir.checkout.models import Cart
from comptoir.checkout.selectors import CartLineSummary, cart_summary, product_for_cart
from comptoir.checkout.services import (
    add_to_cart,
    relocate_cart,
    remove_from_cart,
    set_quantity,
    start_cart,
)
from comptoir.errors import DomainError, NotFound
from comptoir.shop.models import Location
from comptoir.storefront.cart_forms import AddForm, QuantityForm, RemoveForm, first_error
from comptoir.storefront.cart_session import remember_cart, session_cart
from comptoir.storefront.views import LOCATION_SESSION_KEY, current_location


@dataclass(frozen=True)
class Refusal:
    """A change the shopper asked for and did not get: shown at its line, with what
    they typed kept in the field."""

    product_slug: str
    message: str
    typed: str | None = None  # None: no quantity was posted (a remove)


@dataclass(frozen=True)
class CartRow:
    line: CartLineSummary
    quantity: str
    error: str = ""


@require_GET
def cart_page(request: HttpRequest) -> HttpResponse:
    location = current_location(request)
    return _show_cart(request, _cart_here(request, location), location)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = AddForm(request.POST)
    slug = request.POST.get("product", "")
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(_back(request, slug))
    product = product_for_cart(form.cleaned_data["product"])
    quantity = form.cleaned_data["quantity"]
    location = current_location(request)
    try:
        if product is None:
            raise NotFound(_("This product does not exist (any more)."))
        if location is None:
            raise DomainError(_("No shop takes orders right now."), code="no_location")
        cart = _cart_here(request, location)
        if cart is None:
            remember_cart(
                request, start_cart(location=location, product=product, quantity=quantity)
            )
            # The cart's location stays the visitor's, even if the default one changes.
            request.session[LOCATION_SESSION_KEY] = location.slug
        else:
            add_to_cart(cart=cart, product=product, quantity=quantity)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext(
                "%(product)s (%(count)d) added to your cart.",
                "%(product)s (%(count)d) added to your cart.",
                quantity,
            )
            % {"count": quantity, "product": product.name},
        )
    return redirect(_back(request, slug, product))


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    form = QuantityForm(request.POST)
    return _change(
        request,
        form,
        lambda cart, product: set_quantity(
            cart=cart, product=product, quantity=form.cleaned_data["quantity"]
        ),
    )


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    return _change(
        request,
        RemoveForm(request.POST),
        lambda cart, product: remove_from_cart(cart=cart, product=product),
    )


def _change(
    request: HttpRequest, form: RemoveForm, apply: Callable[[Cart, Product], object]
) -> HttpResponse:
    """Applies a change to a line; a refused one re-displays the cart with the reason at
    that line and every other line as it was."""
    location = current_location(request)
    cart = _cart_here(request, location)
    slug = request.POST.get("product", "")
    refused = Refusal(slug, "", request.POST.get("quantity"))
    if not form.is_valid():
        refused = Refusal(slug, first_error(form), refused.typed)
        return _show_cart(request, cart, location, refused=refused, status=400)
    product = product_for_cart(form.cleaned_data["product"])
    try:
        if cart is None or product is None:
            raise NotFound(_("This product is not in your cart."), code="not_in_cart")
        apply(cart, product)
    except DomainError as error:
        refused = Refusal(slug, str(error.message), refused.typed)
        return _show_cart(request, cart, location, refused=refused, status=error.status)
    if request.htmx:  # type: ignore[attr-defined]
        return _show_cart(request, cart, location, notice=_("Your cart is up to date."))
    messages.success(request, _("Your cart is up to date."))
    return redirect("storefront:cart")


def _cart_here(request: HttpRequest, location: Location | None) -> Cart | None:
    """The visitor's cart, moved to the location they now shop at (see decision 0007)."""
    cart = session_cart(request)
    if cart is not None and location is not None and cart.location_id != location.pk:
        cart = relocate_cart(cart=cart, location=location)
    return cart


def _show_cart(
    request: HttpRequest,
    cart: Cart | None,
    location: Location | None,
    *,
    refused: Refusal | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    summary = cart_summary(cart)
    request.cart_item_count = summary.item_count  # type: ignore[attr-defined]
    rows = []
    unplaced_error = refused.message if refused else ""
    for line in summary.lines:
        if refused and line.product.slug == refused.product_slug:
            typed = str(line.quantity) if refused.typed is None else refused.typed
            rows.append(CartRow(line, typed, refused.message))
            unplaced_error = ""
        else:
            rows.append(CartRow(line, str(line.quantity)))
    htmx = bool(getattr(request, "htmx", False))
    return render(
        request,
        "storefront/cart.html#cart" if htmx else "storefront/cart.html",
        {
            "location": location,
            "locations": getattr(request, "storefront_locations", []),
            "summary": summary,
            "rows": rows,
            "error": unplaced_error,
            "notice": notice,
            "htmx": htmx,
        },
        # htmx swaps only 2xx answers; the refusal is in the partial it swaps in.
        status=200 if htmx else status,
    )


def _back(request: HttpRequest, slug: str, product: Product | None = None) -> str:
    """Where an add returns: the page it was made from, else the product's page
    (``product``: the one already read for this slug, if any)."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if product is not None and product.slug == slug:
        return reverse("storefront:product", args=[slug])
    if slug and product_for_cart(slug) is not None:
        return reverse("storefront:product", args=[slug])
    return reverse("storefront:cart")
