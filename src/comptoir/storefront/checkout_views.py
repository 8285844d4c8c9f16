"""Checkout and donation pages: contact, fulfilment and payment in one plain form (the
card is tokenized by the gateway's script first, see ``card_entry``). Every refusal
re-displays the form with what was typed and the reason beside its field."""

from __future__ import annotations

import datetime
import html
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.accounts.selectors import accounts_enabled, customer_of, primary_address, usable_cards
from comptoir.accounts.services.cards import save_card
from comptoir.accounts.services.signup import create_account
from comptoir.checkout.placing import Tender, pay_and_place_donation, pay_and_place_order
from comptoir.checkout.selectors import cart_summary
from comptoir.checkout.services import empty_cart, relocate_cart
from comptoir.checkout.slots import pickup_slots
from comptoir.customers.models import Customer
from comptoir.errors import DomainError, InvalidInput
from comptoir.orders.models import Order
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.services import Contact, attach_to_account
from comptoir.payments.gateways.base import Gateway, PaymentFailed
from comptoir.payments.selectors import active_gateway
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.client_address import client_address
from comptoir.storefront.card_entry import card_entry
from comptoir.storefront.cart_session import remember_cart, session_cart
from comptoir.storefront.checkout_forms import (
    ASAP,
    SMS_CONSENT_TEXT,
    CheckoutForm,
    ContactPaymentForm,
    DonationForm,
    show_errors,
)
from comptoir.storefront.views import current_location
from comptoir.users.models import User

# Refusals about the gift card typed at checkout, shown beside its field.
GIFT_CARD_ERRORS = frozenset(
    {"unknown_gift_card", "too_many_attempts", "insufficient_balance", "card_state"}
)
PLACED_SESSION_KEY = "placed_orders"  # order numbers this browser placed (confirmation)


@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest) -> HttpResponse:
    location = current_location(request)
    cart = session_cart(request)
    if cart is not None and location is not None and cart.location_id != location.pk:
        cart = relocate_cart(cart=cart, location=location)
    summary = cart_summary(cart)
    if request.method == "POST" and (done := _already_placed(request)) is not None:
        return done  # a double submit of a checkout that went through
    if location is None or not summary.ready_for_checkout:
        messages.error(
            request,
            _("Your cart is empty.")
            if summary.is_empty
            else _("Some items cannot be bought as they are: change them before checking out."),
        )
        return redirect("storefront:cart")
    customer = _customer(request)
    gateway, gateway_error = _gateway()
    options = _payment_options(customer, gateway)
    cards = options["cards"]
    options["location"] = location
    if request.method == "GET":
        form = CheckoutForm(initial=_prefill(request, customer, cards), **options)
        return _show(request, form, location, summary, gateway_error=gateway_error)
    form = CheckoutForm(request.POST, **options)
    if not form.is_valid() or gateway is None:
        return _show(request, form, location, summary, gateway_error=gateway_error, status=400)
    data = form.cleaned_data
    emptied: list[Order] = []  # the cart is emptied in the order's transaction

    def empty(order: Order) -> None:
        if cart is not None:
            empty_cart(cart=cart)
        emptied.append(order)

    try:
        tender = _tender(form, customer, gateway)
        order = pay_and_place_order(
            gateway=gateway,
            idempotency_key=data["idempotency_key"],
            location=location,
            lines=[(line.product, line.quantity) for line in summary.lines],
            contact=_contact(data),
            fulfilment=form.fulfilment_choice,
            currency=get_shop().currency,
            language=translation.get_language() or "",
            tender=tender,
            sms_consent=str(SMS_CONSENT_TEXT) if data.get("sms_consent") else None,
            account_user=_account_user(request, customer),
            gift_card_code=data.get("gift_card_code", "").strip(),
            ip_address=client_address(request),
            coupon_code=data.get("coupon_code", "").strip(),
            on_placed=empty,
        )
    except DomainError as error:
        _refusal(form, error)
        return _show(request, form, location, summary, status=error.status)
    if cart is not None and not emptied:  # an order placed earlier with the same key
        empty_cart(cart=cart)
    remember_cart(request, None)
    return _placed(request, order, form)


def _payment_options(customer: Customer | None, gateway: Gateway | None) -> dict[str, Any]:
    """What every paying form needs: the shopper's usable saved cards, whether to offer an
    account, whether the gateway can save a card."""
    return {
        "cards": list(usable_cards(customer, gateway)) if customer and gateway else [],
        "accounts_offered": customer is None and accounts_enabled(),
        "can_save_cards": bool(customer and gateway and gateway.can_save_cards),
    }


@require_http_methods(["GET", "POST"])
def donate_page(request: HttpRequest) -> HttpResponse:
    location = current_location(request)
    if not get_shop().donations_enabled or location is None:
        return render(request, "storefront/checkout/no_donations.html", status=404)

    def place(form: DonationForm, payment: dict[str, Any]) -> Order:
        data = form.cleaned_data
        return pay_and_place_donation(
            location=location, amount=data["amount"], note=data.get("note", ""), **payment
        )

    return amount_page(request, form_class=DonationForm, show=_show_donation, place=place)


PaymentFormT = TypeVar("PaymentFormT", bound=ContactPaymentForm)


def amount_page(
    request: HttpRequest,
    *,
    form_class: type[PaymentFormT],
    show: Callable[..., HttpResponse],
    place: Callable[[PaymentFormT, dict[str, Any]], Order],
) -> HttpResponse:
    """The page paying one amount on its own (a donation, an e-gift card), its location
    known: a double submit shows the order already placed; GET shows the form, the amount
    from ``?amount=``; POST calls ``place(form, payment)``, ``payment`` being the keyword
    arguments ``pay_and_place_donation`` and ``pay_and_place_gift_card`` both take.
    ``show(request, form, gateway_error=..., status=...)`` renders the form."""
    if request.method == "POST" and (done := _already_placed(request)) is not None:
        return done
    customer = _customer(request)
    gateway, gateway_error = _gateway()
    options = _payment_options(customer, gateway)
    if request.method == "GET":
        initial = _prefill(request, customer, options["cards"])
        initial["amount"] = request.GET.get("amount", "")
        return show(request, form_class(initial=initial, **options), gateway_error=gateway_error)
    form = form_class(request.POST, **options)
    if not form.is_valid() or gateway is None:
        return show(request, form, gateway_error=gateway_error, status=400)
    data = form.cleaned_data
    try:
        order = place(
            form,
            {
                "gateway": gateway,
                "idempotency_key": data["idempotency_key"],
                "contact": _contact(data),
                "currency": get_shop().currency,
                "language": translation.get_language() or "",
                "tender": _tender(form, customer, gateway),
                "account_user": _account_user(request, customer),
            },
        )
    except DomainError as error:
        _refusal(form, error)
        return show(request, form, status=error.status)
    return _placed(request, order, form)


# --- shared steps ------------------------------------------------------------------


def _customer(request: HttpRequest) -> Customer | None:
    """The signed-in shopper's customer record, read once per request (the page, its
    payment section and the header's account link all ask)."""
    if not hasattr(request, "customer"):  # as ``account_page`` sets it
        customer = customer_of(request.user) if accounts_enabled() else None
        request.customer = customer  # type: ignore[attr-defined]
    return request.customer  # type: ignore[attr-defined]


def _account_user(request: HttpRequest, customer: Customer | None) -> User | None:
    return request.user if customer is not None and isinstance(request.user, User) else None


def _gateway() -> tuple[Gateway | None, str]:
    try:
        return active_gateway(), ""
    except PaymentFailed as error:
        return None, str(error.message)


def _already_placed(request: HttpRequest) -> HttpResponse | None:
    key = request.POST.get("idempotency_key", "")
    placed = request.session.get(PLACED_SESSION_KEY, [])
    if not key or (not placed and not request.user.is_authenticated):
        return None  # nothing this visitor placed could be shown: no need to look
    order = order_placed_with(key)
    if order is None:
        return None
    if order.number not in placed and order.account_id != request.user.pk:
        return None  # someone else's key: the order service refuses nothing, we show nothing
    return redirect("storefront:checkout_done", number=order.number)


def _prefill(request: HttpRequest, customer: Customer | None, cards: list) -> dict[str, Any]:
    initial: dict[str, Any] = {"idempotency_key": secrets.token_urlsafe(24), "pickup_at": ASAP}
    if customer is not None:
        initial.update(
            email=customer.email or getattr(request.user, "email", ""),
            first_name=customer.first_name,
            last_name=customer.last_name,
            phone=customer.phone,
        )
        address = primary_address(customer)
        if address is not None:
            initial.update(
                address_line1=address.address_line1,
                address_line2=address.address_line2,
                postal_code=address.postal_code,
                city=address.city,
            )
        if cards:
            initial["saved_card"] = cards[0].pk
    return initial


def _tender(form: ContactPaymentForm, customer: Customer | None, gateway: Gateway) -> Tender:
    """How this checkout pays. A new card the signed-in shopper asked to save is saved
    first (one card per checkout) and charged as that saved card, as Stripe requires."""
    data = form.cleaned_data
    if data.get("wallet_token"):
        return Tender(wallet_token=data["wallet_token"])
    card = form.chosen_card
    if card is None and customer is not None and data.get("save_card") and data["card_token"]:
        card = save_card(customer=customer, gateway=gateway, card_token=data["card_token"])
    if card is not None and customer is not None:
        reference = (
            card.customer.gateway_customers.filter(
                gateway=card.gateway, gateway_account=card.gateway_account
            )
            .values_list("reference", flat=True)
            .first()
        )
        return Tender(card_token=card.reference, customer_reference=reference)
    return Tender(card_token=data["card_token"])


def _contact(data: dict[str, Any]) -> Contact:
    return Contact(
        email=data["email"],
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        phone=data.get("phone", ""),
    )


def _refusal(form: ContactPaymentForm, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        show_errors(form, error)
    elif error.code in GIFT_CARD_ERRORS and "gift_card_code" in form.fields:
        form.add_error("gift_card_code", str(error.message))
    elif isinstance(error, PaymentFailed):
        form.add_error("card_token", str(error.message))
    else:
        form.add_error(None, str(error.message))


def _placed(request: HttpRequest, order: Order, form: ContactPaymentForm) -> HttpResponse:
    """After the order: remember it for the confirmation page, then create the account
    asked for (the password was checked before charging; a refusal now keeps the order)."""
    placed = request.session.get(PLACED_SESSION_KEY, [])
    request.session[PLACED_SESSION_KEY] = [*placed[-19:], order.number]
    data = form.cleaned_data
    if data.get("create_account"):
        try:
            user = create_account(
                email=data["email"],
                password=data["password"],
                language=translation.get_language() or "",
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
        except DomainError as error:
            messages.warning(
                request,
                _("Your order is placed, but the account could not be created: %(reason)s")
                % {"reason": error.message},
            )
        else:
            attach_to_account(order=order, user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready: you are signed in."))
    return redirect(reverse("storefront:checkout_done", args=[order.number]))


def _show(
    request: HttpRequest,
    form: CheckoutForm,
    location: Any,
    summary: Any,
    *,
    gateway_error: str = "",
    status: int = 200,
) -> HttpResponse:
    request.cart_item_count = summary.item_count  # type: ignore[attr-defined]
    fee = form.fulfilment_choice.fee if form.is_bound and form.fulfilment_choice else 0
    slots = pickup_slots(location)
    return render(
        request,
        "storefront/checkout/checkout.html",
        {
            **_payment_context(request, form, gateway_error),
            "location": location,
            "locations": getattr(request, "storefront_locations", []),
            "summary": summary,
            "fee": fee,
            "slots": slots,
            "slot_options": _slot_options(slots, form["pickup_at"].value()),
            "zones": location.delivery_zones,
        },
        status=status,
    )


def _slot_options(slots: list[datetime.datetime], chosen: object) -> SafeString:
    """The pickup times' ``<option>``s, written here rather than by the template (a
    location open all day offers about 130 of them per page: 4-5 ms through the
    template's loop, ``date`` filter and escaping, 0.3 ms here), in the location's time,
    like the slot's value and the earliest-time message."""
    options = []
    days: dict[datetime.date, str] = {}  # the day's words, translated and escaped once
    for slot in slots:
        value = slot.isoformat()  # digits, "-", ":", "+" and "T": nothing to escape
        day = days.get(slot.date()) or days.setdefault(
            slot.date(), html.escape(dateformat.format(slot, "l j F"))
        )
        selected = " selected" if value == chosen else ""
        options.append(f'<option value="{value}"{selected}>{day}, {slot:%H:%M}</option>')
    return mark_safe("".join(options))  # noqa: S308 -- the day's words escaped above


def _show_donation(
    request: HttpRequest, form: DonationForm, *, gateway_error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "storefront/checkout/donate.html",
        {**_payment_context(request, form, gateway_error), "amounts": get_shop().donation_amounts},
        status=status,
    )


def _payment_context(
    request: HttpRequest, form: ContactPaymentForm, gateway_error: str
) -> dict[str, Any]:
    entry = card_entry()
    return {
        "form": form,
        "card_entry": entry,
        "wallet_offered": entry.is_test,  # the test gateway simulates the wallet sheet
        "gateway_error": gateway_error,
        "signed_in": _customer(request) is not None,
        "sign_in_url": f"{reverse('storefront:account_login')}?next={request.path}",
        "accounts_on": accounts_enabled(),
    }
