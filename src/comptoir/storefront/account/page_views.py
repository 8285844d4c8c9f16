"""The signed-in shopper's overview, orders, receipts, reorder, language and account
deletion. Every view sits behind ``account_page`` and starts each lookup from
``request.customer`` (404 for anything that is not theirs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts import selectors
from comptoir.accounts.services.deletion import delete_account
from comptoir.accounts.services.language import set_language
from comptoir.accounts.services.reorder import reorder
from comptoir.checkout.services import keep_cart_at_sign_in, relocate_cart
from comptoir.errors import DomainError, InvalidInput
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.access import account_page
from comptoir.storefront.account.order_list import order_list_html
from comptoir.storefront.account.page_common import (
    apply_form,
    fulfilment_of,
    or_404,
    render_account,
    status_label,
    usable_gateway,
)
from comptoir.storefront.account.page_forms import (
    DeleteAccountForm,
    LanguageForm,
    add_service_errors,
)
from comptoir.storefront.cart_session import remember_cart, session_cart
from comptoir.storefront.views import current_location

ORDERS_PER_PAGE = 20
MAX_PAGE_ASKED = 1_000_000
CURRENT_ORDERS_SHOWN = 10


@require_GET
@account_page
def account_home(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    current = list(selectors.current_account_orders(customer)[: CURRENT_ORDERS_SHOWN + 1])
    # With htmx, the section refreshes itself every 30 seconds: the statuses stay live.
    htmx = bool(getattr(request, "htmx", False))
    return render_account(
        request,
        "storefront/account/home.html#current-orders" if htmx else "storefront/account/home.html",
        "home",
        {
            "current_orders": order_list_html(
                selectors.history_rows(current[:CURRENT_ORDERS_SHOWN]), get_shop()
            )
            if current
            else "",
            "more_current": len(current) > CURRENT_ORDERS_SHOWN,
        },
    )


@require_GET
@account_page
def account_orders(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    asked = request.GET.get("page")
    try:
        # Bounded: the offset goes into the SQL (a number past any history is the last page).
        wanted = min(max(int(asked or 1), 1), MAX_PAGE_ASKED)
    except ValueError:
        wanted = 1
    # The page's orders and the history's count in one query; a page past the end (or
    # not a number) is then known and read again as the Paginator answers it.
    rows, count = selectors.account_history_page(
        customer, (wanted - 1) * ORDERS_PER_PAGE, ORDERS_PER_PAGE
    )
    page = Paginator(range(count), ORDERS_PER_PAGE).get_page(asked)
    if page.number != wanted:
        rows, count = selectors.account_history_page(
            customer, (page.number - 1) * ORDERS_PER_PAGE, ORDERS_PER_PAGE
        )
    return render_account(
        request,
        "storefront/account/orders.html",
        "orders",
        {"page": page, "orders": rows, "order_list": order_list_html(rows, get_shop())},
    )


@require_GET
@account_page
def account_order(request: HttpRequest, number: str) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    order = or_404(selectors.account_order, customer, number)
    return render_account(
        request,
        "storefront/account/order.html",
        "orders",
        {
            "order": order,
            "status": status_label(order),
            "fulfilment": fulfilment_of(order),
            "lines": list(order.lines.all()),
            "payments": list(order.payments.all()),
        },
    )


@require_POST
@account_page
def account_reorder(request: HttpRequest, number: str) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    order = or_404(selectors.account_order, customer, number)
    location = current_location(request)
    if location is None:
        messages.error(request, _("No shop takes orders right now."))
        return redirect("storefront:account_order", number=order.number)
    # The session's cart, or the one the account kept (never a new second one).
    cart = keep_cart_at_sign_in(cart=session_cart(request), owner=request.user)  # type: ignore[arg-type]
    if cart is not None and cart.location_id != location.pk:
        cart = relocate_cart(cart=cart, location=location)
    result = reorder(order=order, cart=cart, location=location, owner=request.user)  # type: ignore[arg-type]
    remember_cart(request, result.cart)
    for message in result.skipped:
        messages.warning(request, _("Not added: %(reason)s") % {"reason": message})
    if result.added:
        count = sum(quantity for _name, quantity in result.added)
        messages.success(
            request,
            ngettext(
                "%(count)d item from order %(number)s is in your cart, at today's prices. Check it before paying.",
                "%(count)d items from order %(number)s are in your cart, at today's prices. Check them before paying.",
                count,
            )
            % {"count": count, "number": order.number},
        )
    elif not result.skipped:
        messages.info(request, _("This order had nothing to add."))
    return redirect("storefront:cart")


@require_http_methods(["GET", "POST"])
@account_page
def account_language(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    current = customer.language or (customer.user.language if customer.user else "")
    form = LanguageForm(
        request.POST if request.method == "POST" else None, initial={"language": current}
    )
    if request.method == "POST":
        saved = apply_form(
            request,
            form,
            lambda data: set_language(customer=customer, language=data["language"]),
            done=_("Your language preference is saved."),
            back="storefront:account_language",
        )
        if saved:
            return saved
    return render_account(
        request,
        "storefront/account/language.html",
        "language",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@account_page
def account_delete(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_account(
                customer=customer,
                password=form.cleaned_data["password"],
                gateway=usable_gateway(),
            )
        except InvalidInput as error:
            add_service_errors(form, error)
        except PaymentFailed:
            form.add_error(
                None,
                _(
                    "Your saved cards could not be deleted at the payment provider right now, so nothing was deleted. Try again in a few minutes."
                ),
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            logout(request)
            messages.success(
                request,
                _("Your account is deleted. Thank you for shopping with us."),
            )
            return redirect("storefront:home")
    return render_account(
        request,
        "storefront/account/delete.html",
        "delete",
        {"form": form},
        status=400 if form.errors else 200,
    )
