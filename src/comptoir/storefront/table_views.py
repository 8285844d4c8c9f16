"""Table ordering: the menu a table's QR code opens, its order, and paying for it.

The shopper adds products to the table's cart (a ``checkout.Cart`` of the table's
location, kept in the session per table, apart from the site's cart), then pays on the
same page: card, express wallet, or a gift card for all or part. No sign-in and no
email needed (an email only brings a receipt). The order is placed as a table order
with the table's label and accepted at once (``orders.fulfilment.accept_table_order``),
so the kitchen's tickets print straight away. A table that is not taking orders (or
whose location does not offer table ordering any more) answers 404 with a page saying
so; an unknown token is a plain 404."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from comptoir.catalog import selectors as catalog
from comptoir.checkout.models import Cart
from comptoir.checkout.placing import Tender, pay_and_place_order
from comptoir.checkout.selectors import cart_by_id, cart_summary, product_for_cart
from comptoir.checkout.services import add_to_cart, empty_cart, set_quantity, start_cart
from comptoir.errors import DomainError, InvalidInput, NotFound
from comptoir.orders.fulfilment import accept_table_order
from comptoir.orders.models import FulfilmentType, OrderSource
from comptoir.orders.selectors import order_for_confirmation, order_placed_with
from comptoir.orders.services import Contact, FulfilmentChoice
from comptoir.payments.gateways.base import Gateway, PaymentFailed
from comptoir.payments.selectors import active_gateway
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.client_address import client_address
from comptoir.storefront.card_entry import card_entry
from comptoir.storefront.cart_forms import AddForm, QuantityForm, first_error
from comptoir.storefront.checkout_forms import ContactPaymentForm, show_errors
from comptoir.storefront.checkout_views import GIFT_CARD_ERRORS, PLACED_SESSION_KEY
from comptoir.storefront.order_views import order_page_context
from comptoir.tables.models import Table
from comptoir.tables.selectors import table_by_token, takes_orders

TABLE_CARTS_SESSION_KEY = "table_carts"  # {table id: cart id}


class TableOrderForm(ContactPaymentForm):
    """The checkout's contact and payment, without the account parts, the email
    optional, and a gift card code."""

    email = forms.EmailField(
        label=gettext_lazy("Email (optional)"),
        required=False,
        help_text=gettext_lazy("For a receipt by email."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label=gettext_lazy("Your name (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    gift_card_code = forms.CharField(
        label=gettext_lazy("Gift card code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "The gift card pays what its balance allows; your card pays the rest."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("gift_card_code", "").strip() and "card_token" in self.errors:
            # The gift card may pay it all: the order service asks for a card if not.
            del self.errors["card_token"]
            data["card_token"] = ""
        return data


# --- pages ---------------------------------------------------------------------------


@require_GET
def table_menu(request: HttpRequest, token: str) -> HttpResponse:
    table = _table(token)
    if not takes_orders(table):
        return _not_taking_orders(request, table)
    form = TableOrderForm(initial={"idempotency_key": secrets.token_urlsafe(24)})
    return _show(request, table, form)


@require_POST
def table_add(request: HttpRequest, token: str) -> HttpResponse:
    table = _table(token)
    if not takes_orders(table):
        return _not_taking_orders(request, table)
    form = AddForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("storefront:table_menu", token=table.token)
    product = product_for_cart(form.cleaned_data["product"])
    quantity = form.cleaned_data["quantity"]
    try:
        if product is None:
            raise NotFound(_("This product does not exist (any more)."))
        cart = _table_cart(request, table)
        if cart is None:
            cart = start_cart(location=table.location, product=product, quantity=quantity)
            _remember(request, table, cart)
        else:
            add_to_cart(cart=cart, product=product, quantity=quantity)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext(
                "%(product)s (%(count)d) added to your order.",
                "%(product)s (%(count)d) added to your order.",
                quantity,
            )
            % {"count": quantity, "product": product.name},
        )
    return redirect("storefront:table_menu", token=table.token)


@require_POST
def table_update(request: HttpRequest, token: str) -> HttpResponse:
    """A new quantity for a line of the table's order (0 takes it off)."""
    table = _table(token)
    if not takes_orders(table):
        return _not_taking_orders(request, table)
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("storefront:table_menu", token=table.token)
    cart = _table_cart(request, table)
    product = product_for_cart(form.cleaned_data["product"])
    try:
        if cart is None or product is None:
            raise NotFound(_("This product is not in your order."), code="not_in_cart")
        set_quantity(cart=cart, product=product, quantity=form.cleaned_data["quantity"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your order is up to date."))
    return redirect("storefront:table_menu", token=table.token)


@require_POST
def table_pay(request: HttpRequest, token: str) -> HttpResponse:
    table = _table(token)
    if not takes_orders(table):
        return _not_taking_orders(request, table)
    key = request.POST.get("idempotency_key", "")
    placed = order_placed_with(key) if key else None
    if placed is not None and placed.number in request.session.get(PLACED_SESSION_KEY, []):
        return redirect("storefront:table_done", token=table.token, number=placed.number)
    cart = _table_cart(request, table)
    summary = cart_summary(cart)
    if not summary.ready_for_checkout:
        messages.error(
            request,
            _("Your order is empty.")
            if summary.is_empty
            else _("Some items cannot be ordered as they are: change them first."),
        )
        return redirect("storefront:table_menu", token=table.token)
    gateway, gateway_error = _gateway()
    form = TableOrderForm(request.POST)
    if not form.is_valid() or gateway is None:
        return _show(request, table, form, gateway_error=gateway_error, status=400)
    data = form.cleaned_data
    try:
        order = pay_and_place_order(
            gateway=gateway,
            idempotency_key=data["idempotency_key"],
            location=table.location,
            lines=[(line.product, line.quantity) for line in summary.lines],
            contact=Contact(email=data.get("email") or "", first_name=data.get("first_name", "")),
            fulfilment=FulfilmentChoice(type=FulfilmentType.TABLE, table_label=table.label),
            currency=get_shop().currency,
            language=translation.get_language() or "",
            tender=Tender(card_token=data["card_token"], wallet_token=data.get("wallet_token", "")),
            gift_card_code=data.get("gift_card_code", "").strip(),
            ip_address=client_address(request),
            source=OrderSource.TABLE,
        )
    except DomainError as error:
        _refusal(form, error)
        return _show(request, table, form, status=error.status)
    # Straight to the stations. Should this fail, the order stays proposed on the
    # Orders page for staff to accept, as a site order would.
    accept_table_order(order_id=order.pk)
    if cart is not None:
        empty_cart(cart=cart)
    _remember(request, table, None)
    request.session[PLACED_SESSION_KEY] = [
        *request.session.get(PLACED_SESSION_KEY, [])[-19:],
        order.number,
    ]
    return redirect("storefront:table_done", token=table.token, number=order.number)


@require_GET
def table_done(request: HttpRequest, token: str, number: str) -> HttpResponse:
    table = _table(token)
    try:
        order = order_for_confirmation(
            number,
            placed_here=request.session.get(PLACED_SESSION_KEY, []),
            user_id=request.user.pk if request.user.is_authenticated else None,
        )
    except NotFound:
        raise Http404 from None
    return render(
        request, "storefront/table/done.html", {"table": table, **order_page_context(order)}
    )


# --- steps ---------------------------------------------------------------------------


def _table(token: str) -> Table:
    table = table_by_token(token)
    if table is None:
        raise Http404
    return table


def _not_taking_orders(request: HttpRequest, table: Table) -> HttpResponse:
    return render(request, "storefront/table/unavailable.html", {"table": table}, status=404)


def _table_cart(request: HttpRequest, table: Table) -> Cart | None:
    """This table's cart in the visitor's session (never one named in a request)."""
    carts = request.session.get(TABLE_CARTS_SESSION_KEY, {})
    cart_id = carts.get(str(table.pk))
    if cart_id is None:
        return None
    cart = cart_by_id(cart_id)
    if cart is None or cart.owner_id is not None or cart.location_id != table.location_id:
        _remember(request, table, None)
        return None
    return cart


def _remember(request: HttpRequest, table: Table, cart: Cart | None) -> None:
    carts = dict(request.session.get(TABLE_CARTS_SESSION_KEY, {}))
    if cart is None:
        if str(table.pk) not in carts:
            return
        carts.pop(str(table.pk))
    else:
        carts[str(table.pk)] = cart.pk
    request.session[TABLE_CARTS_SESSION_KEY] = carts


def _gateway() -> tuple[Gateway | None, str]:
    try:
        return active_gateway(), ""
    except PaymentFailed as error:
        return None, str(error.message)


def _refusal(form: TableOrderForm, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        show_errors(form, error)
    elif error.code in GIFT_CARD_ERRORS:
        form.add_error("gift_card_code", str(error.message))
    elif isinstance(error, PaymentFailed):
        form.add_error("card_token", str(error.message))
    else:
        form.add_error(None, str(error.message))


def _show(
    request: HttpRequest,
    table: Table,
    form: TableOrderForm,
    *,
    gateway_error: str = "",
    status: int = 200,
) -> HttpResponse:
    location = table.location
    entry = card_entry()
    return render(
        request,
        "storefront/table/menu.html",
        {
            "table": table,
            "location": location,
            "shelves": catalog.storefront_shelves(location),
            "summary": cart_summary(_table_cart(request, table)),
            "form": form,
            "card_entry": entry,
            "wallet_offered": entry.is_test,  # the test gateway simulates the wallet sheet
            "gateway_error": gateway_error,
        },
        status=status,
    )
