"""Saved cards: list (unavailable ones marked), add one (tokenized by the gateway in the
browser: only ``card_token`` reaches this view), choose the primary one, delete one (at
the gateway too). Hidden when the active gateway cannot store cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.accounts import selectors
from comptoir.accounts.models import SavedCard
from comptoir.accounts.services import cards as card_services
from comptoir.errors import DomainError
from comptoir.payments.gateways.base import Gateway
from comptoir.storefront.account.access import account_page
from comptoir.storefront.account.page_common import (
    or_404,
    render_account,
    shows_cards,
    usable_gateway,
)
from comptoir.storefront.account.page_forms import CardForm
from comptoir.storefront.card_entry import card_entry


@dataclass(frozen=True)
class CardRow:
    card: SavedCard
    usable: bool


def _gateway_for_cards() -> Gateway | None:
    gateway = usable_gateway()
    if not shows_cards(gateway):
        raise Http404(_("This shop does not keep cards."))
    return gateway


def _usable(card: SavedCard, gateway: Gateway | None) -> bool:
    return (
        gateway is not None
        and card.gateway == gateway.name
        and card.gateway_account == gateway.account
    )


@require_http_methods(["GET", "POST"])
@account_page
def account_cards(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    gateway = _gateway_for_cards()
    form = CardForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and gateway is not None and form.is_valid():
        try:
            card = card_services.save_card(
                customer=customer,
                gateway=gateway,
                card_token=form.cleaned_data["card_token"],
                make_primary=form.cleaned_data["make_primary"],
            )
        except DomainError as refused:
            error = str(refused.message)
        else:
            messages.success(
                request,
                _("Your %(brand)s card ending in %(last4)s is saved.")
                % {"brand": card.brand.title(), "last4": card.last4},
            )
            return redirect("storefront:account_cards")
    cards = [CardRow(card, _usable(card, gateway)) for card in selectors.cards_of(customer)]
    return render_account(
        request,
        "storefront/account/cards.html",
        "cards",
        {
            "gateway": gateway,
            "cards": cards,
            "can_add": gateway is not None,
            "card_entry": card_entry(),
            "form": form,
            "card_error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@account_page
def account_card_primary(request: HttpRequest, card_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    gateway = _gateway_for_cards()
    card = or_404(selectors.card_of, customer, card_id)
    if gateway is None or not _usable(card, gateway):
        messages.error(request, _("This card is unavailable: it cannot be your primary card."))
        return redirect("storefront:account_cards")
    return _back_to_cards(
        request,
        lambda: card_services.make_card_primary(
            customer=customer, gateway=gateway, card_id=card.pk
        ),
        done=_("Your card ending in %(last4)s is now your primary card.") % {"last4": card.last4},
    )


@require_POST
@account_page
def account_card_delete(request: HttpRequest, card_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    gateway = _gateway_for_cards()
    card = or_404(selectors.card_of, customer, card_id)
    return _back_to_cards(
        request,
        lambda: card_services.delete_card(customer=customer, gateway=gateway, card_id=card.pk),
        done=_("Your card ending in %(last4)s is deleted.") % {"last4": card.last4},
    )


def _back_to_cards(
    request: HttpRequest, change: Callable[[], object], *, done: str
) -> HttpResponse:
    """Applies a change to one card and goes back to the cards page, saying whether the
    gateway or the service accepted it."""
    try:
        change()
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, done)
    return redirect("storefront:account_cards")
