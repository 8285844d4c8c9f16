"""Text consent in the back office: the dialog where a team member confirms a customer
agreed to be texted (asked by the composer before the first staff text), and the
request for the marketing double opt-in, sent from the customer's profile."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.consent.models import HowObtained
from comptoir.consent.services import attest_text_consent, request_marketing_opt_in
from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_for_staff
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, InvalidInput, NotFound
from comptoir.messaging.selectors import sms_number
from comptoir.team.permissions import Permission


class AttestationForm(forms.Form):
    how_obtained = forms.ChoiceField(
        label=gettext_lazy("How did the customer agree?"),
        choices=HowObtained.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=gettext_lazy("Details"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Required for “Other”: say how the customer agreed."),
    )


def _customer(request: StaffRequest, customer_id: int) -> Customer:
    try:
        return customer_for_staff(request.member, customer_id)
    except NotFound:
        raise Http404 from None


def _back(request: StaffRequest, customer: Customer) -> str:
    """Where to go afterwards: ``next`` when it is ours (the composer), else the profile."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard:customer_detail", args=[customer.pk])


@staff_view(Permission.MESSAGE_CUSTOMERS)
def text_consent_attest(request: StaffRequest, customer_id: int) -> HttpResponse:
    """GET: the dialog; POST: record who confirmed, when, and how consent was obtained."""
    customer = _customer(request, customer_id)
    form = AttestationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                attest_text_consent(
                    actor=request.member,
                    customer=customer,
                    how_obtained=form.cleaned_data["how_obtained"],
                    detail=form.cleaned_data["detail"],
                )
            except InvalidInput as error:
                for field, message in error.errors.items():
                    form.add_error(field or None, str(message))
            else:
                messages.success(
                    request,
                    _("Recorded: %(name)s agreed to receive texts from the shop.")
                    % {"name": customer},
                )
                return redirect(_back(request, customer))
        status = 400
    return render(
        request,
        "dashboard/text_consent/attest.html",
        {
            "customer": customer,
            "number": sms_number(customer),
            "form": form,
            "next": _back(request, customer),
        },
        status=status,
    )


@staff_view(Permission.MESSAGE_CUSTOMERS)
@require_POST
def text_consent_request_marketing(request: StaffRequest, customer_id: int) -> HttpResponse:
    """Text the customer the first request of the marketing double opt-in."""
    customer = _customer(request, customer_id)
    try:
        request_marketing_opt_in(actor=request.member, customer=customer)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "The request was texted to %(name)s: marketing texts can be sent once they "
                "reply yes twice."
            )
            % {"name": customer},
        )
    return redirect(_back(request, customer))
