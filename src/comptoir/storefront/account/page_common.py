"""What every account page shares: the account navigation's context, the active
gateway as the account pages see it (None when it cannot be used right now), and the
two shapes of change the pages make: a posted form applied by a service
(``apply_form``) and a one-click change to one saved row (``one_click_view``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from comptoir.customers.models import Customer
from comptoir.errors import InvalidInput, NotFound
from comptoir.orders.models import Fulfilment, Order
from comptoir.orders.states import order_label
from comptoir.payments.gateways.base import Gateway, PaymentFailed
from comptoir.payments.selectors import active_gateway
from comptoir.storefront.account.access import account_page
from comptoir.storefront.account.page_forms import add_service_errors


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


def apply_form(
    request: HttpRequest,
    form: forms.Form,
    apply: Callable[[dict[str, Any]], object],
    *,
    done: str,
    back: str,
) -> HttpResponse | None:
    """Validates a posted form and hands its data to ``apply`` (a service call): the
    redirect to ``back`` with the ``done`` message when the service accepted it; None
    when the form or the service refused it (the service's messages are then beside
    the fields) and the caller shows the page again. An unknown row is a 404."""
    if not form.is_valid():
        return None
    try:
        apply(form.cleaned_data)
    except InvalidInput as error:
        add_service_errors(form, error)
        return None
    except NotFound as error:
        raise Http404(str(error.message)) from error
    messages.success(request, done)
    return redirect(back)


def one_click_view(
    service: Callable[..., object], *, done: Promise, back: str
) -> Callable[..., HttpResponse]:
    """A POST-only account view applying ``service`` to one of the shopper's rows, named
    by the URL (``address_id``, ``phone_id``...: passed on as is, with the customer),
    then back to ``back`` with the ``done`` message. A row of someone else is a 404."""

    @require_POST
    @account_page
    def view(request: HttpRequest, **row: int) -> HttpResponse:
        customer = request.customer  # type: ignore[attr-defined]
        or_404(lambda: service(customer=customer, **row))
        messages.success(request, str(done))
        return redirect(back)

    return view


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
