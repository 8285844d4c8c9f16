"""Coupons sent from a conversation, the list of coupons sent, the menu's live unread
badge and the composer's product search (cards inserted in a message).

Sending a coupon needs the "View and send messages to customers" permission, like
every message; the customer is named by ``?customer=<id>`` so the conversation page
links here with its customer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.catalog.prices import to_minor_units
from comptoir.coupons import selectors, services
from comptoir.coupons.models import CouponKind
from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_for_staff
from comptoir.dashboard.access import ANY_STAFF, StaffRequest, staff_view
from comptoir.errors import DomainError, InvalidInput, NotFound
from comptoir.messaging.models import Channel, Conversation
from comptoir.messaging.notifications import conversation_path
from comptoir.messaging.product_cards import products_for_cards, render_product_card
from comptoir.messaging.selectors import channels_on_file, default_channel
from comptoir.shop.models import Shop
from comptoir.shop.selectors import language_for
from comptoir.team.permissions import Permission

PERMISSION = Permission.MESSAGE_CUSTOMERS
PAGE_SIZE = 100
DEFAULT_VALIDITY = timedelta(days=30)


class CouponForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Send by"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=gettext_lazy("Discount"), choices=CouponKind.choices, widget=forms.RadioSelect
    )
    amount = forms.CharField(
        label=gettext_lazy("Amount off"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    percent = forms.IntegerField(
        label=gettext_lazy("Percent off"), required=False, min_value=1, max_value=100
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, shop: Shop, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        labels = {Channel.SMS: _("Text message"), Channel.EMAIL: _("Email")}
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ChoiceField)
        channel_field.choices = [(c, labels[Channel(c)]) for c in channels_on_file(customer)]
        self.fields["amount"].help_text = _("In %(currency)s, e.g. 10 or 7,50.") % {
            "currency": shop.currency
        }
        if not self.is_bound:
            self.initial.setdefault("kind", CouponKind.AMOUNT)
            self.initial.setdefault("valid_until", timezone.localdate() + DEFAULT_VALIDITY)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CouponKind.AMOUNT:
            raw = (data.get("amount") or "").strip()
            if not raw:
                self.add_error("amount", _("Enter the amount off."))
            else:
                try:
                    data["amount_off"] = to_minor_units(raw, self.shop.currency)
                except DomainError:
                    self.add_error("amount", _("Enter an amount like 10 or 7,50."))
        elif (
            data.get("kind") == CouponKind.PERCENT
            and not data.get("percent")
            and "percent" not in self.errors
        ):
            self.add_error("percent", _("Enter the percentage off."))
        return data


@staff_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def coupon_new(request: StaffRequest) -> HttpResponse:
    customer = _customer(request, request.GET.get("customer") or request.POST.get("customer"))
    form = CouponForm(
        request.POST if request.method == "POST" else None,
        shop=request.shop,
        customer=customer,
        initial={"channel": default_channel(customer, _conversation(customer))},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                coupon = services.create_and_send_coupon(
                    actor=request.member,
                    customer=customer,
                    channel=data["channel"],
                    kind=data["kind"],
                    amount_off=data.get("amount_off", 0),
                    percent_off=data.get("percent") or 0,
                    valid_until=data["valid_until"],
                )
            except InvalidInput as error:
                for field, message in error.errors.items():
                    field = {"amount_off": "amount", "percent_off": "percent"}.get(field, field)
                    form.add_error(field if field in form.fields else None, str(message))
                status = 400
            except DomainError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(
                    request,
                    _("Coupon %(code)s sent to %(name)s.")
                    % {"code": coupon.display_code, "name": customer},
                )
                return redirect(conversation_path(customer.pk))
        else:
            status = 400
    return render(
        request,
        "dashboard/coupons/new.html",
        {
            "form": form,
            "customer": customer,
            "coupons": list(selectors.coupons_of_customer(customer)[:PAGE_SIZE]),
            "conversation_url": conversation_path(customer.pk),
        },
        status=status,
    )


@staff_view(PERMISSION)
@require_GET
def coupon_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/coupons/list.html",
        {"coupons": list(selectors.coupons_sent()[:PAGE_SIZE]), "page_size": PAGE_SIZE},
    )


@staff_view(PERMISSION)
@require_GET
def coupon_lines(request: StaffRequest) -> HttpResponse:
    """The coupons of one conversation (sent, used on which order), for the
    conversation page to include (``?customer=<id>``)."""
    customer = _customer(request, request.GET.get("customer"))
    return render(
        request,
        "dashboard/coupons/_conversation_coupons.html",
        {"customer": customer, "coupons": list(selectors.coupons_of_customer(customer)[:20])},
    )


@staff_view(ANY_STAFF)
@require_GET
def message_unread_badge(request: StaffRequest) -> HttpResponse:
    """The menu's count of unread conversations, polled by every dashboard page: one
    aggregate query. Members without the messaging permission get an empty badge that
    stops polling."""
    allowed = request.member.has_permission(PERMISSION)
    unread = selectors.unread_conversations(request.member) if allowed else 0
    return render(
        request,
        "dashboard/messages/_unread_badge.html",
        {"unread": unread, "polling": allowed},
    )


@staff_view(PERMISSION)
@require_GET
def message_product_cards(request: StaffRequest) -> HttpResponse:
    """The composer's product search: each result carries the card to insert, for the
    channel (``?channel=sms|email``) and the customer's language (``?customer=<id>``)."""
    channel = request.GET.get("channel", "")
    if channel not in Channel.values:
        channel = Channel.EMAIL
    language = request.shop.published_language
    if request.GET.get("customer"):
        language = language_for(
            request.shop, _customer(request, request.GET.get("customer")).language
        )
    query = request.GET.get("q", "")
    products = list(products_for_cards(query))
    results = [
        {"product": product, "card": render_product_card(product, channel, language)}
        for product in products
    ]
    return render(
        request,
        "dashboard/coupons/_product_cards.html",
        {"results": results, "query": query, "channel": channel},
    )


def _customer(request: StaffRequest, raw: str | None) -> Customer:
    if not raw or not raw.isdigit():
        raise NotFound(_("No such customer."))
    return customer_for_staff(request.member, int(raw))


def _conversation(customer: Customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer).first()
