"""The page where a customer pays a counter or phone order by card, from the link staff
sent them by email (orders.counter). The token in the address is the only key: an
unknown one is a 404; a paid link says so (and paying again charges nothing); an
expired one says so, and so does one the shop cancelled (nothing to pay, nothing
charged)."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.errors import DomainError, NotFound
from comptoir.orders.counter import link_lines, pay_payment_link, payment_link_by_token
from comptoir.orders.links import status_path
from comptoir.orders.models import PaymentLink, PaymentLinkState
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.selectors import active_gateway
from comptoir.storefront.card_entry import card_entry


class PayForm(forms.Form):
    # The key of this form as shown: a double submit pays once; a new form, a new try.
    attempt = forms.CharField(max_length=64, widget=forms.HiddenInput)
    card_token = forms.CharField(max_length=255, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("attempt", secrets.token_urlsafe(24))

    def renewed(self) -> PayForm:
        """After a refusal: the same errors, a new attempt key for the next try."""
        data = {key: self.data[key] for key in self.data}
        data["attempt"] = secrets.token_urlsafe(24)
        self.data = data
        return self

    def clean_card_token(self) -> str:
        token: str = (self.cleaned_data.get("card_token") or "").strip()
        if not token:
            raise forms.ValidationError(_("Enter your card details."))
        return token


@require_http_methods(["GET", "POST"])
def pay_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = payment_link_by_token(token)
    except NotFound:
        return render(request, "storefront/payment_link/unknown.html", status=404)
    if link.state != PaymentLinkState.PENDING or link.is_expired:
        return _show(request, link, PayForm(), status=200 if request.method == "GET" else 409)
    if request.method == "GET":
        return _show(request, link, PayForm())
    form = PayForm(request.POST)
    if not form.is_valid():
        return _show(request, link, form, status=400)
    try:
        order = pay_payment_link(
            token=token,
            gateway=active_gateway(),
            card_token=form.cleaned_data["card_token"],
            attempt=form.cleaned_data["attempt"],
        )
    except PaymentFailed as error:
        form.add_error("card_token", str(error.message))
        return _show(request, link, form.renewed(), status=error.status)
    except DomainError as error:
        form.add_error(None, str(error.message))
        link.refresh_from_db()
        return _show(request, link, form.renewed(), status=error.status)
    return redirect(status_path(order))


def _show(
    request: HttpRequest, link: PaymentLink, form: PayForm, *, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "storefront/payment_link/pay.html",
        {
            "link": link,
            "lines": link_lines(link),
            "form": form,
            "card_entry": card_entry(),
            "paid": link.state == PaymentLinkState.PAID,
            "expired": link.is_expired,
            "cancelled": link.state == PaymentLinkState.CANCELLED,
            "status_url": status_path(link.order) if link.order else "",
        },
        status=status,
    )
    # The address holds the link's secret: never sent on to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response
