"""Gift cards in the back office: find a card by code or customer, its page with the
ledger, and the forms that activate a physical card, load, adjust (with a reason),
clear and deactivate. All need the "Manage gift cards" permission.

Each form carries an idempotency key made when the form is shown, so a form sent twice
(a double click, a resend after a timeout) does its work once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.catalog.prices import to_minor_units
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, InvalidInput, NotFound
from comptoir.giftcards import codes, selectors, services
from comptoir.giftcards.models import ActivityKind, AdjustmentReason, GiftCard, GiftCardState
from comptoir.shop.models import Shop
from comptoir.team.permissions import Permission

PERMISSION = Permission.MANAGE_GIFT_CARDS


def _new_key() -> str:
    return uuid.uuid4().hex


class _KeyedForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", _new_key())

    def add_domain_error(self, error: DomainError) -> None:
        if isinstance(error, InvalidInput):
            for field, message in error.errors.items():
                self.add_error(field if field in self.fields else None, str(message))
        else:
            self.add_error(None, str(error.message))


class _AmountForm(_KeyedForm):
    amount = forms.CharField(
        label=gettext_lazy("Amount"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, shop: Shop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.fields["amount"].help_text = _("In %(currency)s, e.g. 25 or 25,50.") % {
            "currency": shop.currency
        }

    def clean_amount(self) -> int:
        try:
            amount = to_minor_units(self.cleaned_data["amount"], self.shop.currency)
        except DomainError:
            raise forms.ValidationError(_("Enter an amount like 25 or 25,50.")) from None
        if amount <= 0:
            raise forms.ValidationError(_("Enter an amount above zero."))
        return amount


class ActivateForm(_AmountForm):
    code = forms.CharField(
        label=gettext_lazy("Card code"),
        max_length=40,
        help_text=gettext_lazy("As printed on the card; spaces and dashes do not matter."),
    )
    field_order = ["code", "amount", "key"]

    def clean_code(self) -> str:
        try:
            return codes.validate_physical(self.cleaned_data["code"])
        except InvalidInput as error:
            raise forms.ValidationError(str(error.errors["code"])) from None


class LoadForm(_AmountForm):
    pass


class AdjustForm(_AmountForm):
    direction = forms.ChoiceField(
        label=gettext_lazy("Adjustment"),
        choices=[
            (ActivityKind.ADJUST_UP, gettext_lazy("Add to the balance")),
            (ActivityKind.ADJUST_DOWN, gettext_lazy("Take from the balance")),
        ],
    )
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=AdjustmentReason.choices)
    field_order = ["direction", "amount", "reason", "key"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        direction, reason = cleaned.get("direction"), cleaned.get("reason")
        if direction and reason:
            allowed = (
                services.REASONS_UP
                if direction == ActivityKind.ADJUST_UP
                else services.REASONS_DOWN
            )
            if reason not in allowed:
                self.add_error(
                    "reason",
                    _("“%(reason)s” does not explain this adjustment; choose another reason.")
                    % {"reason": AdjustmentReason(reason).label},
                )
        return cleaned


class ClearForm(_KeyedForm):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        required=False,
        choices=[("", gettext_lazy("(none)")), *AdjustmentReason.choices],
    )


class DeactivateForm(_KeyedForm):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand the card can never be used again."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


# --- pages ------------------------------------------------------------------------------


@staff_view(PERMISSION)
@require_GET
def giftcard_list(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    cards = list(selectors.cards_for_staff(request.member, query)[: selectors.PAGE_SIZE])
    return render(
        request,
        "dashboard/giftcards/giftcard_list.html",
        {"cards": cards, "query": query, "page_size": selectors.PAGE_SIZE},
    )


@staff_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def giftcard_activate(request: StaffRequest) -> HttpResponse:
    form = ActivateForm(request.POST if request.method == "POST" else None, shop=request.shop)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity = services.activate_physical(
                    actor=request.member,
                    code=form.cleaned_data["code"],
                    amount=form.cleaned_data["amount"],
                    idempotency_key=form.cleaned_data["key"],
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Card %(code)s is active.") % {"code": activity.card.display_code},
                )
                return redirect(_card_url(activity.card))
        else:
            status = 400
    return render(request, "dashboard/giftcards/activate.html", {"form": form}, status=status)


@staff_view(PERMISSION)
@require_GET
def giftcard_detail(request: StaffRequest) -> HttpResponse:
    card = _card(request, request.GET.get("card"))
    return _detail(request, card)


@staff_view(PERMISSION)
@require_POST
def giftcard_load(request: StaffRequest) -> HttpResponse:
    return _card_action(
        request,
        LoadForm(request.POST, shop=request.shop),
        "load_form",
        lambda card, data: services.load(
            actor=request.member,
            card=card,
            amount=data["amount"],
            idempotency_key=data["key"],
        ),
        _("The card was loaded."),
    )


@staff_view(PERMISSION)
@require_POST
def giftcard_adjust(request: StaffRequest) -> HttpResponse:
    return _card_action(
        request,
        AdjustForm(request.POST, shop=request.shop),
        "adjust_form",
        lambda card, data: services.adjust(
            actor=request.member,
            card=card,
            kind=data["direction"],
            amount=data["amount"],
            reason=data["reason"],
            idempotency_key=data["key"],
        ),
        _("The balance was adjusted."),
    )


@staff_view(PERMISSION)
@require_POST
def giftcard_clear(request: StaffRequest) -> HttpResponse:
    return _card_action(
        request,
        ClearForm(request.POST),
        "clear_form",
        lambda card, data: services.clear_balance(
            actor=request.member,
            card=card,
            reason=data["reason"],
            idempotency_key=data["key"],
        ),
        _("The balance was cleared."),
    )


def _card_action(
    request: StaffRequest,
    form: Any,
    form_name: str,
    act: Callable[[GiftCard, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One of the card page's forms posted: act on the card, or show the card page again
    with that form and why (400 when invalid, the refusal's status otherwise)."""
    card = _card(request, request.POST.get("card"))
    if not form.is_valid():
        return _detail(request, card, **{form_name: form}, status=400)
    try:
        act(card, form.cleaned_data)
    except DomainError as error:
        form.add_domain_error(error)
        return _detail(request, card, **{form_name: form}, status=error.status)
    messages.success(request, done)
    return redirect(_card_url(card))


@staff_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def giftcard_deactivate(request: StaffRequest) -> HttpResponse:
    """GET: what deactivating means and the box to tick; POST: deactivate for good."""
    posted = request.method == "POST"
    card = _card(request, request.POST.get("card") if posted else request.GET.get("card"))
    form = DeactivateForm(request.POST if posted else None)
    status = 200
    if posted:
        if form.is_valid():
            try:
                services.deactivate(
                    actor=request.member, card=card, idempotency_key=form.cleaned_data["key"]
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                messages.success(request, _("The card is deactivated."))
                return redirect(_card_url(card))
        else:
            status = 400
    return render(
        request,
        "dashboard/giftcards/deactivate.html",
        {"card": card, "form": form},
        status=status,
    )


# --- helpers ----------------------------------------------------------------------------


def _card(request: StaffRequest, card_id: str | None) -> GiftCard:
    try:
        return selectors.card_for_staff(request.member, card_id)
    except NotFound:
        raise Http404 from None


def _card_url(card: GiftCard) -> str:
    return f"{reverse('dashboard:giftcard_detail')}?{urlencode({'card': card.pk})}"


def _detail(
    request: StaffRequest,
    card: GiftCard,
    *,
    status: int = 200,
    **bound_forms: forms.Form,
) -> HttpResponse:
    card.refresh_from_db()
    shop = request.shop
    context: dict[str, Any] = {
        "card": card,
        "activities": list(selectors.ledger(card)),
        "is_active": card.state == GiftCardState.ACTIVE,
        "load_form": LoadForm(shop=shop),
        "adjust_form": AdjustForm(shop=shop),
        "clear_form": ClearForm(),
        **bound_forms,
    }
    return render(request, "dashboard/giftcards/giftcard_detail.html", context, status=status)
