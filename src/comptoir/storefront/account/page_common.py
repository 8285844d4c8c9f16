"""What every account page shares: the account navigation's context and the active
gateway as the account pages see it (None when it cannot be used right now)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.customers.models import Customer
from comptoir.errors import NotFound
from comptoir.orders.models import Fulfilment, Order
from comptoir.orders.states import order_label
from comptoir.payments.gateways.base import Gateway, PaymentFailed
from comptoir.payments.selectors import active_gateway


def usable_gateway() -> Gateway | None:
    """The shop's gateway, or None when it cannot be reached by configuration (Stripe
    chosen without its key): then no card can be used, saved or made primary."""
    try:
        return active_gateway()
    except PaymentFailed:
        return None


def shows_cards(gateway: Gateway | None) -> bool:
    """The payment section is hidden when the active gateway cannot store cards."""
    return gateway is None or gateway.can_save_cards


def render_account(
    request: HttpRequest, template: str, section: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    customer: Customer = request.customer  # type: ignore[attr-defined]
    gateway = context.pop("gateway", None) if "gateway" in context else usable_gateway()
    return render(
        request,
        template,
        {
            "customer": customer,
            # The login is the request's user (account_page checked it): no extra query.
            "sign_in_email": getattr(request.user, "email", "") or customer.email,
            "section": section,
            "show_cards": shows_cards(gateway),
            **context,
        },
        status=status,
    )


def or_404(find: Any, *args: Any) -> Any:
    """Calls a scoped selector; its NotFound is the page's 404."""
    try:
        return find(*args)
    except NotFound as error:
        raise Http404(str(error.message)) from error


def status_label(order: Order) -> str:
    """The shopper-facing status of an order, from its fulfilment when it has one."""
    fulfilment = fulfilment_of(order)
    return str(
        order_label(
            order.state,
            fulfilment.type if fulfilment else None,
            fulfilment.state if fulfilment else None,
        )
    )


def fulfilment_of(order: Order) -> Fulfilment | None:
    """The order's fulfilment; None for donations and e-gift cards."""
    try:
        return order.fulfilment
    except Fulfilment.DoesNotExist:
        return None
