"""Saved addresses and contact details (phone numbers, additional emails). The sign-in
email is shown but cannot be changed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts import selectors
from comptoir.accounts.services import addresses as address_services
from comptoir.accounts.services import contacts as contact_services
from comptoir.customers.models import Customer
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.access import account_page
from comptoir.storefront.account.page_common import (
    apply_form,
    one_click_view,
    or_404,
    render_account,
)
from comptoir.storefront.account.page_forms import AddressForm, EmailForm, PhoneForm

ADDRESSES = "storefront:account_addresses"
CONTACT = "storefront:account_contact"

# --- addresses


def _save_address(
    customer: Customer, address_id: int | None = None
) -> Callable[[dict[str, Any]], object]:
    """The service call of the address form: a new address, or an edit of one."""

    def save(data: dict[str, Any]) -> object:
        fields = AddressForm.fields_from(data)
        if address_id is None:
            return address_services.add_address(
                customer=customer, fields=fields, make_primary=data["make_primary"]
            )
        return address_services.update_address(
            customer=customer,
            address_id=address_id,
            fields=fields,
            make_primary=data["make_primary"],
        )

    return save


@require_http_methods(["GET", "POST"])
@account_page
def account_addresses(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    form = AddressForm(
        request.POST if request.method == "POST" else None,
        initial={"country": get_shop().country},
    )
    if request.method == "POST":
        saved = apply_form(
            request, form, _save_address(customer), done=_("Address saved."), back=ADDRESSES
        )
        if saved:
            return saved
    return render_account(
        request,
        "storefront/account/addresses.html",
        "addresses",
        {"addresses": list(selectors.addresses_of(customer)), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@account_page
def account_address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    address = or_404(selectors.address_of, customer, address_id)
    initial = {name: getattr(address, name, "") for name in AddressForm.base_fields}
    initial["make_primary"] = address.is_primary
    form = AddressForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        saved = apply_form(
            request,
            form,
            _save_address(customer, address.pk),
            done=_("Address saved."),
            back=ADDRESSES,
        )
        if saved:
            return saved
    return render_account(
        request,
        "storefront/account/address_edit.html",
        "addresses",
        {"address": address, "form": form},
        status=400 if form.errors else 200,
    )


account_address_primary = one_click_view(
    address_services.make_address_primary,
    done=gettext_lazy("Primary delivery address changed."),
    back=ADDRESSES,
)
account_address_delete = one_click_view(
    address_services.delete_address, done=gettext_lazy("Address deleted."), back=ADDRESSES
)


# --- contact details


def _contact_page(
    request: HttpRequest,
    *,
    phone_form: forms.Form | None = None,
    email_form: forms.Form | None = None,
    editing: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return render_account(
        request,
        "storefront/account/contact.html",
        "contact",
        {
            "phones": list(selectors.phones_of(customer)),
            "emails": list(selectors.emails_of(customer)),
            "phone_form": phone_form or PhoneForm(),
            "email_form": email_form or EmailForm(),
            "editing": editing or {},
        },
        status=status,
    )


@require_GET
@account_page
def account_contact(request: HttpRequest) -> HttpResponse:
    return _contact_page(request)


def _change_contact(
    request: HttpRequest,
    form: forms.Form,
    apply: Callable[[dict[str, Any]], object],
    *,
    done: str,
    kind: str,
    item_id: int | None = None,
) -> HttpResponse:
    """Applies the change and goes back to the contact page; a refusal shows the page
    again with what was typed and the message beside the field (at the row edited)."""
    changed = apply_form(request, form, apply, done=done, back=CONTACT)
    if changed:
        return changed
    if item_id is not None:  # an edit of one row: errors show at that row
        return _contact_page(
            request, editing={"kind": kind, "id": item_id, "form": form}, status=400
        )
    if kind == "phone":
        return _contact_page(request, phone_form=form, status=400)
    return _contact_page(request, email_form=form, status=400)


@require_POST
@account_page
def account_phone_add(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return _change_contact(
        request,
        PhoneForm(request.POST),
        lambda data: contact_services.add_phone(customer=customer, number=data["number"]),
        done=_("Phone number added."),
        kind="phone",
    )


@require_POST
@account_page
def account_phone_update(request: HttpRequest, phone_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return _change_contact(
        request,
        PhoneForm(request.POST, auto_id=f"phone-{phone_id}-%s"),
        lambda data: contact_services.update_phone(
            customer=customer, phone_id=phone_id, number=data["number"]
        ),
        done=_("Phone number updated."),
        kind="phone",
        item_id=phone_id,
    )


@require_POST
@account_page
def account_email_add(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return _change_contact(
        request,
        EmailForm(request.POST),
        lambda data: contact_services.add_email(customer=customer, email=data["email"]),
        done=_("Email added."),
        kind="email",
    )


@require_POST
@account_page
def account_email_update(request: HttpRequest, email_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return _change_contact(
        request,
        EmailForm(request.POST, auto_id=f"email-{email_id}-%s"),
        lambda data: contact_services.update_email(
            customer=customer, email_id=email_id, email=data["email"]
        ),
        done=_("Email updated."),
        kind="email",
        item_id=email_id,
    )


account_phone_primary = one_click_view(
    contact_services.make_phone_primary,
    done=gettext_lazy("Primary phone number changed."),
    back=CONTACT,
)
account_phone_delete = one_click_view(
    contact_services.delete_phone, done=gettext_lazy("Phone number deleted."), back=CONTACT
)
account_email_primary = one_click_view(
    contact_services.make_email_primary,
    done=gettext_lazy("Primary email changed."),
    back=CONTACT,
)
account_email_delete = one_click_view(
    contact_services.delete_email, done=gettext_lazy("Email deleted."), back=CONTACT
)
