"""Back-office customer records typed by hand: create, edit, approve. The forms
(customers.forms) validate, the services (customers.services.records) save, write the
timeline and the consent history, and email the customer on approval.

What the merchant edits here is the CRM record. The customer's own sign-in email,
password, saved addresses and cards belong to their account and stay read-only on the
profile: the record's email may differ from the sign-in email (see the form's help)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.customers import selectors
from comptoir.customers.forms import (
    ADDRESS_FIELDS,
    RECORD_FIELDS,
    CustomerRecordForm,
    RecordAddressForm,
)
from comptoir.customers.models import AddressRole, Customer
from comptoir.customers.services.records import (
    approve_customer,
    create_customer,
    update_customer,
)
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import Conflict, NotFound
from comptoir.team.permissions import Permission


class RecordForms:
    """The record form and its two address forms, bound on POST. While "same as
    billing" is ticked the shipping form is not validated (it keeps what was typed, in
    case the merchant unticks it again)."""

    def __init__(self, request: StaffRequest, customer: Customer | None = None) -> None:
        country = request.shop.country
        # The record's name as saved (the form writes what is typed onto its instance).
        self.name = str(customer) if customer else ""
        posting = request.method == "POST"
        data = request.POST if posting else None
        existing = {a.role: a for a in customer.record_addresses.all()} if customer else {}
        billing_address = existing.get(AddressRole.BILLING)
        self.record = CustomerRecordForm(
            data,
            instance=customer or Customer(),
            region=country,
            member=request.member,
            billing_country=(
                request.POST.get("billing-country", "")
                if posting
                else (billing_address.country if billing_address else country)
            ),
        )
        self.billing = RecordAddressForm(
            data, instance=billing_address, prefix="billing", default_country=country
        )
        self.shipping_same = (
            "shipping_same_as_billing" in request.POST
            if posting
            else (customer.shipping_same_as_billing if customer else True)
        )
        shipping_address = existing.get(AddressRole.SHIPPING)
        if posting and self.shipping_same:
            # Not validated: shown unbound with what was typed.
            self.shipping = RecordAddressForm(
                instance=shipping_address,
                prefix="shipping",
                default_country=country,
                initial={name: request.POST.get(f"shipping-{name}", "") for name in ADDRESS_FIELDS},
            )
        else:
            self.shipping = RecordAddressForm(
                data, instance=shipping_address, prefix="shipping", default_country=country
            )

        # When the edit page was opened (the record's updated_at): a save made meanwhile
        # by someone else is reported instead of being overwritten without a word.
        self.version = customer.updated_at.isoformat() if customer else ""
        if posting and customer:
            self.version = request.POST.get("version", "")

    def expected_updated_at(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.version) if self.version else None
        except ValueError:
            return None

    def changed_meanwhile(self, message: str, customer: Customer) -> None:
        """Tell the merchant; a second save (with the record's current version) wins."""
        self.record.add_error(None, message)
        customer.refresh_from_db(fields=["updated_at"])
        self.version = customer.updated_at.isoformat()

    def is_valid(self) -> bool:
        valid = self.record.is_valid()
        valid = self.billing.is_valid() and valid
        if not self.shipping_same:
            valid = self.shipping.is_valid() and valid
            if self.shipping.is_valid() and self.shipping.values() is None:
                self.shipping.add_error(
                    None,
                    _("Fill in the shipping address, or tick “same as billing address”."),
                )
                valid = False
        return valid

    def values(self) -> dict:
        return {
            "fields": {name: self.record.cleaned_data[name] for name in RECORD_FIELDS},
            "billing": self.billing.values(),
            "shipping": None if self.shipping_same else self.shipping.values(),
        }

    def email_taken(self, error: IntegrityError) -> None:
        """Another record took the email between the check and the save (the unique
        index on lower(email) refused it); any other integrity error is a bug."""
        email = self.record.cleaned_data.get("email")
        other = selectors.customer_by_email(email) if email else None
        if other is None or other.pk == self.record.instance.pk:
            raise error
        self.record.add_error("email", _("Another customer already has this email address."))


def _visible(request: StaffRequest, customer_id: int) -> Customer:
    try:
        return selectors.customer_for_staff(request.member, customer_id)
    except NotFound:
        raise Http404 from None


def _render(
    request: StaffRequest, forms: RecordForms, customer: Customer | None, status: int = 400
) -> HttpResponse:
    return render(
        request,
        "dashboard/customers/customer_form.html",
        {
            "customer": customer,
            "form": forms.record,
            "billing": forms.billing,
            "shipping": forms.shipping,
            "shipping_same": forms.shipping_same,
            "login_email": customer.user.email if customer and customer.user else "",
            "version": forms.version,
            "name": forms.name,
        },
        status=status if request.method == "POST" else 200,
    )


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_create(request: StaffRequest) -> HttpResponse:
    forms = RecordForms(request)
    if request.method == "POST" and forms.is_valid():
        try:
            customer = create_customer(actor=request.member, **forms.values())
        except IntegrityError as error:
            forms.email_taken(error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": customer})
            if not selectors.visible_customers(request.member).filter(pk=customer.pk).exists():
                # A member limited to some locations sees a record once it has an order
                # at one of them: a new record is not in their list yet.
                messages.info(
                    request,
                    _(
                        "You will see this customer in your list once they have an order "
                        "at one of your locations."
                    ),
                )
                return redirect("dashboard:customer_list")
            return redirect("dashboard:customer_detail", customer_id=customer.pk)
    return _render(request, forms, None)


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_edit(request: StaffRequest, customer_id: int) -> HttpResponse:
    customer = _visible(request, customer_id)
    if customer.erased_at is not None:
        messages.error(
            request, _("This customer's personal data was erased: the record cannot be edited.")
        )
        return redirect("dashboard:customer_detail", customer_id=customer.pk)
    forms = RecordForms(request, customer)
    status = 400
    if request.method == "POST" and forms.is_valid():
        try:
            update_customer(
                actor=request.member,
                customer_id=customer.pk,
                expected_updated_at=forms.expected_updated_at(),
                **forms.values(),
            )
        except IntegrityError as error:
            forms.email_taken(error)
        except Conflict as error:
            forms.changed_meanwhile(str(error.message), customer)
            status = error.status
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("dashboard:customer_detail", customer_id=customer.pk)
    return _render(request, forms, customer, status)


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_approve(request: StaffRequest, customer_id: int) -> HttpResponse:
    """GET: the confirmation step; POST: lift "pending approval" and email the customer."""
    customer = _visible(request, customer_id)
    if not customer.pending_approval:
        messages.info(request, _("This customer is not pending approval."))
        return redirect("dashboard:customer_detail", customer_id=customer.pk)
    if request.method == "POST":
        customer = approve_customer(actor=request.member, customer_id=customer.pk)
        if customer.email or customer.user:
            messages.success(request, _("Approved: the customer was told by email."))
        else:
            messages.success(request, _("Approved (the record has no email to tell them)."))
        return redirect("dashboard:customer_detail", customer_id=customer.pk)
    return render(request, "dashboard/customers/approve.html", {"customer": customer})
