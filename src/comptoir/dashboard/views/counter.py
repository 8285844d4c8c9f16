"""The counter screen (point of sale): staff with "manage orders" enter an order for a
customer in the shop or on the phone. One plain form per location: quantities of the
products sold there, the customer (found in the directory or typed as new), how the
order reaches them, a note, and how they pay. "Search" re-displays the form with the
matching customers; every refusal re-displays it with what was typed (400). A placed
order opens its page; a card link shows the link sent. The links waiting for payment,
listed under the form, can be cancelled or emailed again (POST, then back to the
screen with a message)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.catalog.models import Product
from comptoir.catalog.selectors import location_for_staff
from comptoir.customers.models import Customer
from comptoir.customers.selectors import DirectoryFilters, directory, visible_customers
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from comptoir.orders.counter import (
    NewCustomer,
    PaymentChoice,
    cancel_payment_link,
    counter_products,
    links_waiting_for_payment,
    payment_link_for_staff,
    payment_link_url,
    place_counter_order,
    resend_payment_link,
)
from comptoir.orders.models import FulfilmentType, Order, PaymentLink, PaymentLinkState
from comptoir.orders.services import FulfilmentChoice
from comptoir.shop.delivery import delivery_fee
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.models import Location
from comptoir.shop.selectors import locations_for_staff
from comptoir.team.permissions import Permission

SEARCH_RESULTS = 10
MAX_QUANTITY = 999


class Handover:
    COUNTER = "counter"
    PICKUP = "pickup"
    DELIVERY = "delivery"


class CounterOrderForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    customer = forms.TypedChoiceField(
        label=gettext_lazy("Customer"), required=False, coerce=int, widget=forms.RadioSelect
    )
    search = forms.CharField(label=gettext_lazy("Find a customer"), required=False, max_length=100)
    first_name = forms.CharField(label=gettext_lazy("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), required=False, max_length=100)
    email = forms.CharField(label=gettext_lazy("Email"), required=False, max_length=254)
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=32)
    fulfilment = forms.ChoiceField(label=gettext_lazy("Fulfilment"), widget=forms.RadioSelect)
    pickup_at = forms.DateTimeField(
        label=gettext_lazy("Pickup time"),
        required=False,
        help_text=gettext_lazy("Leave blank for as soon as possible."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    address_line1 = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=200)
    address_line2 = forms.CharField(
        label=gettext_lazy("Address line 2"), required=False, max_length=200
    )
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), required=False, max_length=20)
    city = forms.CharField(label=gettext_lazy("City"), required=False, max_length=100)
    courier_notes = forms.CharField(
        label=gettext_lazy("Notes for the courier"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note on the order"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown on the order's page."),
    )
    payment = forms.ChoiceField(
        label=gettext_lazy("Payment"),
        widget=forms.RadioSelect,
        choices=[
            (PaymentChoice.IN_PERSON, gettext_lazy("Paid in person (cash or card terminal)")),
            (PaymentChoice.CARD_LINK, gettext_lazy("Card link sent by email")),
        ],
    )

    def __init__(
        self,
        *args: Any,
        location: Location,
        products: list[Product],
        customers: list[Customer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        self.products = products
        for product in products:
            self.fields[f"qty_{product.pk}"] = forms.IntegerField(
                label=product.name,
                required=False,
                min_value=0,
                max_value=MAX_QUANTITY,
                widget=forms.NumberInput(attrs={"size": 3}),
            )
        cast(forms.ChoiceField, self.fields["customer"]).choices = [
            (c.pk, str(c.pk)) for c in customers
        ]
        handovers = [(Handover.COUNTER, _("Handed over now at the counter"))]
        if location.offers(Offer.PICKUP):
            handovers.append((Handover.PICKUP, _("Pickup")))
        if location.offers(Offer.DELIVERY):
            handovers.append((Handover.DELIVERY, _("Local delivery")))
        cast(forms.ChoiceField, self.fields["fulfilment"]).choices = handovers
        self.fulfilment_choice: FulfilmentChoice | None = None
        self.lines: list[tuple[Product, int]] = []

    def quantity_fields(self) -> list[tuple[Product, forms.BoundField]]:
        return [(product, self[f"qty_{product.pk}"]) for product in self.products]

    def clean_pickup_at(self) -> datetime | None:
        value = self.cleaned_data.get("pickup_at")
        if value is None:
            return None
        # Typed in the location's local time.
        local = value.replace(tzinfo=None)
        return timezone.make_aware(local, ZoneInfo(self.location.time_zone))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.lines = [
            (product, quantity)
            for product in self.products
            if (quantity := data.get(f"qty_{product.pk}") or 0) > 0
        ]
        if not self.lines and not any(f"qty_{p.pk}" in self.errors for p in self.products):
            self.add_error(None, _("Give the quantity of at least one product."))
        handover = data.get("fulfilment")
        if handover == Handover.PICKUP:
            self.fulfilment_choice = FulfilmentChoice(
                type=FulfilmentType.PICKUP, pickup_at=data.get("pickup_at")
            )
        elif handover == Handover.DELIVERY:
            fee = 0
            for field, message in (
                ("address_line1", _("Give the street address.")),
                ("postal_code", _("Give the postal code.")),
                ("city", _("Give the city.")),
            ):
                if not (data.get(field) or "").strip():
                    self.add_error(field, message)
            if (data.get("postal_code") or "").strip():
                try:
                    fee = delivery_fee(self.location, data["postal_code"])
                except InvalidInput as error:
                    for name, problem in error.errors.items():
                        self.add_error(name, str(problem))
            self.fulfilment_choice = FulfilmentChoice(
                type=FulfilmentType.DELIVERY,
                address_line1=data.get("address_line1", ""),
                address_line2=data.get("address_line2", ""),
                postal_code=(data.get("postal_code") or "").strip().upper(),
                city=data.get("city", ""),
                country=self.location.country,
                courier_notes=data.get("courier_notes", ""),
                fee=fee,
            )
        return data

    def new_customer(self) -> NewCustomer | None:
        data = self.cleaned_data
        if data.get("customer"):
            return None
        return NewCustomer(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        )

    def show(self, error: DomainError) -> None:
        if isinstance(error, InvalidInput):
            for field, message in error.errors.items():
                self.add_error(field if field in self.fields else None, str(message))
        else:
            self.add_error(None, str(error.message))


@staff_view(Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def counter_order_new(request: StaffRequest) -> HttpResponse:
    member = request.member
    locations = list(locations_for_staff(member))
    if not locations:
        raise PermissionDenied(_("You are not set up to work at any location."))
    wanted = request.POST.get("location") or request.GET.get("location") or locations[0].pk
    location = location_for_staff(member, wanted)
    products = list(counter_products(location))
    if request.method == "GET":
        form = CounterOrderForm(
            initial={
                "idempotency_key": secrets.token_urlsafe(24),
                "fulfilment": Handover.COUNTER,
                "payment": PaymentChoice.IN_PERSON,
            },
            location=location,
            products=products,
            customers=[],
        )
        return _show(request, form, location, locations, customers=[], search="")
    search = (request.POST.get("search") or "").strip()
    chosen_id = request.POST.get("customer") or ""
    customers = _customers(request, search, chosen_id)
    form = CounterOrderForm(request.POST, location=location, products=products, customers=customers)
    if request.POST.get("do") == "search":
        form.is_valid()  # show the typed values; nothing is placed
        form.errors.clear()
        return _show(request, form, location, locations, customers=customers, search=search)
    if not form.is_valid():
        return _show(request, form, location, locations, customers, search, status=400)
    data = form.cleaned_data
    customer = next((c for c in customers if c.pk == data.get("customer")), None)
    try:
        placed = place_counter_order(
            actor=member,
            idempotency_key=data["idempotency_key"],
            location=location,
            lines=form.lines,
            customer=customer,
            new_customer=form.new_customer(),
            fulfilment=form.fulfilment_choice,
            note=data.get("note", ""),
            payment=data["payment"],
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        form.show(error)
        return _show(request, form, location, locations, customers, search, status=400)
    if isinstance(placed, PaymentLink):
        messages.success(
            request,
            _("The payment link was emailed to %(email)s. The order is placed when it is paid.")
            % {"email": placed.customer.email},
        )
        url = reverse("dashboard:counter_order_new")
        return redirect(f"{url}?location={location.pk}&link={placed.pk}")
    return redirect("dashboard:order_detail", order_id=placed.pk)


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def counter_link_cancel(request: StaffRequest, link_id: int) -> HttpResponse:
    link = _link_or_404(request, link_id)
    try:
        cancelled = cancel_payment_link(actor=request.member, link_id=link.pk)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The payment link of %(name)s was cancelled: it can no longer be paid.")
            % {"name": _customer_name(cancelled.customer)},
        )
    return _back_to_screen(link)


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def counter_link_resend(request: StaffRequest, link_id: int) -> HttpResponse:
    link = _link_or_404(request, link_id)
    try:
        # Blank: the customer's email on file; else the corrected address typed.
        sent = resend_payment_link(
            actor=request.member, link_id=link.pk, email=request.POST.get("email", "")
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The payment link was emailed again to %(email)s.") % {"email": sent.sent_to},
        )
    return _back_to_screen(link)


def _link_or_404(request: StaffRequest, link_id: int) -> PaymentLink:
    link = payment_link_for_staff(request.member, link_id)
    if link is None:
        raise NotFound(_("This payment link does not exist (any more)."))
    return link


def _back_to_screen(link: PaymentLink) -> HttpResponse:
    url = reverse("dashboard:counter_order_new")
    return redirect(f"{url}?location={link.location_id}#waiting-links")


def _customer_name(customer: Customer) -> str:
    return f"{customer.first_name} {customer.last_name}".strip() or customer.email or ""


def _customers(request: StaffRequest, search: str, chosen_id: str) -> list[Customer]:
    """The chosen customer (kept while the form is re-displayed) and the search's."""
    found: list[Customer] = []
    if chosen_id.isdigit():
        found += list(visible_customers(request.member).filter(pk=int(chosen_id)))
    if search:
        matches = directory(request.member, DirectoryFilters(search=search))
        found += [c for c in matches[:SEARCH_RESULTS] if c.pk not in {f.pk for f in found}]
    return found


def _sent_link(request: StaffRequest) -> PaymentLink | None:
    raw = request.GET.get("link", "")
    if not raw.isdigit():
        return None
    return payment_link_for_staff(request.member, int(raw))


def _show(
    request: StaffRequest,
    form: CounterOrderForm,
    location: Location,
    locations: list[Location],
    customers: list[Customer],
    search: str,
    *,
    status: int = 200,
) -> HttpResponse:
    link = _sent_link(request) if request.method == "GET" else None
    if link is not None and link.state != PaymentLinkState.PENDING:
        link = None  # cancelled or paid since: the waiting list says what is left
    return render(
        request,
        "dashboard/counter/new_order.html",
        {
            "form": form,
            "location": location,
            "locations": locations,
            "customers": customers,
            "search": search,
            "searched": request.method == "POST" and bool(search),
            "link": link,
            "link_url": payment_link_url(link) if link else "",
            "waiting": links_waiting_for_payment(location),
            "order_model": Order,
        },
        status=status,
    )
