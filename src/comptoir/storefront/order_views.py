"""The confirmation page after checkout and the guest order status page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.accounts.selectors import account_order
from comptoir.errors import DomainError, NotFound
from comptoir.orders.arrival import record_arrival
from comptoir.orders.links import status_path
from comptoir.orders.models import Order
from comptoir.orders.selectors import order_by_status_token, order_for_confirmation, order_lines
from comptoir.orders.states import order_label
from comptoir.storefront.account.access import account_page
from comptoir.storefront.checkout_views import PLACED_SESSION_KEY


@require_GET
def checkout_done(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_for_confirmation(
            number,
            placed_here=request.session.get(PLACED_SESSION_KEY, []),
            user_id=request.user.pk if request.user.is_authenticated else None,
        )
    except NotFound:
        raise Http404 from None
    return render(request, "storefront/orders/done.html", order_page_context(order))


@require_GET
def order_status(request: HttpRequest, number: str, token: str) -> HttpResponse:
    try:
        order = order_by_status_token(number, token)
    except NotFound:
        raise Http404 from None  # the same page for an unknown number and a wrong token
    return render(request, "storefront/orders/status.html", order_page_context(order))


def order_page_context(order: Order) -> dict[str, object]:
    """What an order's confirmation and status pages show (the table menu's too)."""
    fulfilment = getattr(order, "fulfilment", None)
    return {
        "order": order,
        "lines": order_lines(order),
        "fulfilment": fulfilment,
        "label": order_label(
            order.state,
            fulfilment.type if fulfilment else None,
            fulfilment.state if fulfilment else None,
        ),
        "status_path": status_path(order),
    }


@require_POST
def order_arrived(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The guest's "I'm here" (curbside pickup), from the status link."""
    try:
        order = order_by_status_token(number, token)
    except NotFound:
        raise Http404 from None
    _arrive(request, order)
    return redirect(status_path(order))


@require_POST
@account_page
def account_order_arrived(request: HttpRequest, number: str) -> HttpResponse:
    """The signed-in shopper's "I'm here", from their account's order page."""
    try:
        order = account_order(request.customer, number)  # type: ignore[attr-defined]
    except NotFound:
        raise Http404 from None
    _arrive(request, order)
    return redirect("storefront:account_order", number=order.number)


def _arrive(request: HttpRequest, order: Order) -> None:
    try:
        record_arrival(order_id=order.pk)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you: the team knows you are here."))
