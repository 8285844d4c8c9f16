"""The storefront's gift-card pages: the public balance check (braked against guessing:
429 with the time to try again) and the e-gift card purchase, paid like a donation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from comptoir.catalog.prices import to_minor_units
from comptoir.checkout.placing import pay_and_place_gift_card
from comptoir.errors import DomainError
from comptoir.giftcards.guessing import Balance, check_balance
from comptoir.orders.gift_card_sales import EGift
from comptoir.orders.models import Order
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.client_address import client_address
from comptoir.storefront.checkout_forms import ContactPaymentForm
from comptoir.storefront.checkout_views import _payment_context, amount_page
from comptoir.storefront.views import current_location


class BalanceForm(forms.Form):
    code = forms.CharField(
        label=_("Gift card code"),
        max_length=40,
        error_messages={"required": _("Enter the code printed on the card or in the email.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class GiftCardPurchaseForm(ContactPaymentForm):
    amount = forms.CharField(
        label=_("Amount"),
        max_length=20,
        error_messages={"required": _("Choose or enter an amount.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=200)
    recipient_email = forms.EmailField(
        label=_("Recipient's email"),
        error_messages={"required": _("Enter the recipient's email address.")},
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    delivery_date = forms.DateField(
        label=_("Send it on (optional: today if empty)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    field_order = [
        "amount",
        "recipient_name",
        "recipient_email",
        "message",
        "delivery_date",
        "email",
        "first_name",
        "last_name",
        "phone",
    ]

    def clean_amount(self) -> int:
        try:
            return to_minor_units(self.cleaned_data["amount"], get_shop().currency)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None

    def gift(self) -> EGift:
        data = self.cleaned_data
        sender = " ".join(filter(None, [data.get("first_name", ""), data.get("last_name", "")]))
        return EGift(
            amount=data["amount"],
            recipient_name=data["recipient_name"],
            recipient_email=data["recipient_email"],
            message=data.get("message", ""),
            sender_name=sender,
            delivery_date=data.get("delivery_date"),
        )


@require_http_methods(["GET", "POST"])
def balance_page(request: HttpRequest) -> HttpResponse:
    balance: Balance | None = None
    status = 200
    if request.method == "POST":
        form = BalanceForm(request.POST)
        if form.is_valid():
            try:
                balance = check_balance(
                    code=form.cleaned_data["code"], ip_address=client_address(request)
                )
            except DomainError as error:
                form.add_error("code", str(error.message))
                status = error.status
        else:
            status = 400
    else:
        form = BalanceForm()
    return render(
        request,
        "storefront/giftcards/balance.html",
        {"form": form, "balance": balance},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def buy_page(request: HttpRequest) -> HttpResponse:
    location = current_location(request)
    if location is None:
        return render(request, "storefront/giftcards/unavailable.html", status=404)

    def place(form: GiftCardPurchaseForm, payment: dict[str, Any]) -> Order:
        return pay_and_place_gift_card(location=location, gift=form.gift(), **payment)

    return amount_page(request, form_class=GiftCardPurchaseForm, show=_show, place=place)


def _show(
    request: HttpRequest,
    form: GiftCardPurchaseForm,
    *,
    gateway_error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "storefront/giftcards/buy.html",
        _payment_context(request, form, gateway_error),
        status=status,
    )
