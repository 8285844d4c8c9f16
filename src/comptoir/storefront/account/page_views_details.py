"""Saved addresses and contact details (phone numbers, additional emails). The sign-in
email is shown but cannot be changed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts import selectors
from comptoir.accounts.services import addresses as address_services
from comptoir.accounts.services import contacts as contact_services
from comptoir.errors import InvalidInput, NotFound
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.access import account_page
from comptoir.storefront.account.page_common import or_404, render_account
from comptoir.storefront.account.page_forms import (
    AddressForm,
    EmailForm,
    PhoneForm,
    add_service_errors,
)

# --- addresses


def _addresses_page(request: HttpRequest, form: AddressForm, status: int = 200) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    return render_account(
        request,
        "storefront/account/addresses.html",
        "addresses",
        {"addresses": list(selectors.addresses_of(customer)), "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@account_page
def account_addresses(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    form = AddressForm(
        request.POST if request.method == "POST" else None,
        initial={"country": get_shop().country},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                address_services.add_address(
                    customer=customer,
                    fields=form.fields_for_service(),
                    make_primary=form.cleaned_data["make_primary"],
                )
            except InvalidInput as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Address saved."))
                return redirect("storefront:account_addresses")
        return _addresses_page(request, form, status=400)
    return _addresses_page(request, form)


@require_http_methods(["GET", "POST"])
@account_page
def account_address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    address = or_404(selectors.address_of, customer, address_id)
    initial = {name: getattr(address, name, "") for name in AddressForm.base_fields}
    initial["make_primary"] = address.is_primary
    form = AddressForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            address_services.update_address(
                customer=customer,
                address_id=address.pk,
                fields=form.fields_for_service(),
                make_primary=form.cleaned_data["make_primary"],
            )
        except InvalidInput as error:
            add_service_errors(form, error)
        except NotFound as error:
            raise Http404(str(error.message)) from error
        else:
            messages.success(request, _("Address saved."))
            return redirect("storefront:account_addresses")
    return render_account(
        request,
        "storefront/account/address_edit.html",
        "addresses",
        {"address": address, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@account_page
def account_address_primary(request: HttpRequest, address_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    or_404(lambda: address_services.make_address_primary(customer=customer, address_id=address_id))
    messages.success(request, _("Primary delivery address changed."))
    return redirect("storefront:account_addresses")


@require_POST
@account_page
def account_address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    or_404(lambda: address_services.delete_address(customer=customer, address_id=address_id))
    messages.success(request, _("Address deleted."))
    return redirect("storefront:account_addresses")


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
    """Validates the form, applies the change and goes back to the contact page; a refusal
    shows the page again with what was typed and the message beside the field."""
    if form.is_valid():
        try:
            apply(form.cleaned_data)
        except InvalidInput as error:
            add_service_errors(form, error)
        except NotFound as error:
            raise Http404(str(error.message)) from error
        else:
            messages.success(request, done)
            return redirect("storefront:account_contact")
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
def account_phone_primary(request: HttpRequest, phone_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    or_404(lambda: contact_services.make_phone_primary(customer=customer, phone_id=phone_id))
    messages.success(request, _("Primary phone number changed."))
    return redirect("storefront:account_contact")


@require_POST
@account_page
def account_phone_delete(request: HttpRequest, phone_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    or_404(lambda: contact_services.delete_phone(customer=customer, phone_id=phone_id))
    messages.success(request, _("Phone number deleted."))
    return redirect("storefront:account_contact")


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


@require_POST
@account_page
def account_email_primary(request: HttpRequest, email_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    or_404(lambda: contact_services.make_email_primary(customer=customer, email_id=email_id))
    messages.success(request, _("Primary email changed."))
    return redirect("storefront:account_contact")


@require_POST
@account_page
def account_email_delete(request: HttpRequest, email_id: int) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    or_404(lambda: contact_services.delete_email(customer=customer, email_id=email_id))
    messages.success(request, _("Email deleted."))
    return redirect("storefront:account_contact")
