"""A customer's personal data in the back office: erasure on request (this module also
holds the JSON export)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.customers import selectors
from comptoir.customers.models import Customer
from comptoir.customers.services.data_export import export_customer_data
from comptoir.customers.services.erasure import erase_customer, erasure_refusal
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, NotFound
from comptoir.payments.gateways.base import Gateway, PaymentFailed
from comptoir.payments.selectors import active_gateway
from comptoir.team.permissions import Permission


class EraseForm(forms.Form):
    """The member types the customer number shown: the same in every language, and it
    names the record, so a second tab open on another customer cannot be erased by
    mistake."""

    confirmation = forms.CharField(label=gettext_lazy("Customer number"), max_length=30)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip().lstrip("#").strip()
        if typed != str(self.customer.pk):
            raise forms.ValidationError(
                _("Type %(number)s to confirm: nothing was erased.") % {"number": self.customer.pk}
            )
        return typed


def _gateway() -> Gateway | None:
    """The active gateway, None when it cannot be reached by configuration."""
    try:
        return active_gateway()
    except PaymentFailed:
        return None


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_erase(request: StaffRequest, customer_id: int) -> HttpResponse:
    """GET: what erasing does and the confirmation to type; POST: erase, then back to
    the directory."""
    try:
        customer = selectors.customer_for_staff(request.member, customer_id)
    except NotFound:
        raise Http404 from None
    refusal = erasure_refusal(customer)
    form = EraseForm(request.POST if request.method == "POST" else None, customer=customer)
    status = 200
    if request.method == "POST" and not refusal:
        if form.is_valid():
            try:
                erase_customer(actor=request.member, customer_id=customer.pk, gateway=_gateway())
            except PaymentFailed:
                refusal = _(
                    "The saved cards could not be deleted at the payment provider right now, so "
                    "nothing was erased. Try again in a few minutes."
                )
                status = 502
            except DomainError as error:
                refusal = str(error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("The personal data of customer #%(number)s is erased.")
                    % {"number": customer.pk},
                )
                return redirect("dashboard:customer_list")
        else:
            status = 400
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "dashboard/customers/erase.html",
        {"customer": customer, "form": form, "refusal": refusal},
        status=status,
    )


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_data_export(request: StaffRequest, customer_id: int) -> HttpResponse:
    """Everything held about the customer as a JSON download (customers.personal_data);
    the export is written in the record's timeline."""
    try:
        data = export_customer_data(actor=request.member, customer_id=customer_id)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer_id}.json"'
    response["Cache-Control"] = "no-store"
    return response
