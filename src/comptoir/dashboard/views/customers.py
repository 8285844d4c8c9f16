"""Back-office customers: the directory (search, filters, sort) and the profile of
one record (the CSV export is in customer_csv). Read only: the selectors scope everything to the staff member."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from comptoir.appointments.selectors import customer_appointments
from comptoir.customers import selectors
from comptoir.customers.models import AddressRole, Customer, CustomerKind
from comptoir.customers.password_links import refusal_for, send_password_link
from comptoir.customers.selectors import DirectoryFilters, Sort
from comptoir.customers.timeline import timeline
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.views.customer_filter_form import filter_form_html
from comptoir.dashboard.views.customer_rows import directory_rows
from comptoir.errors import DomainError, NotFound
from comptoir.shop.links import absolute_url
from comptoir.team.permissions import Permission

CUSTOMERS_PER_PAGE = 50
# The directory's yes/no filters (?account=, ?marketing=, ?pending=); anything else: all.
YES_NO = {"yes": True, "no": False}


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def directory_filters(request: StaffRequest) -> DirectoryFilters:
    params = request.GET
    account = params.get("account", "")
    location = params.get("location", "")
    sort = params.get("sort", "")
    kind = params.get("type", "")
    return DirectoryFilters(
        search=params.get("q", "").strip()[:200],
        has_account=YES_NO.get(account),
        created_from=_date(params.get("created_from", "")),
        created_to=_date(params.get("created_to", "")),
        last_location_id=int(location) if location.isdigit() else None,
        kind=CustomerKind(kind) if kind in CustomerKind.values else None,
        accepts_marketing=YES_NO.get(params.get("marketing", "")),
        pending_approval=YES_NO.get(params.get("pending", "")),
        sort=Sort(sort) if sort in Sort.values else Sort.NAME,
    )


@staff_view(Permission.VIEW_CUSTOMERS)
def customer_list(request: StaffRequest) -> HttpResponse:
    filters = directory_filters(request)
    number = request.GET.get("page", "")
    page = selectors.directory_page(
        request.member,
        filters,
        int(number) if number.isdigit() else 1,
        per_page=CUSTOMERS_PER_PAGE,
    )
    locations = selectors.directory_locations(request.member)
    rows = directory_rows(page, dict(locations))
    query = request.GET.copy()
    query.pop("page", None)
    query_string = query.urlencode()
    return render(
        request,
        "dashboard/customers/customer_list.html",
        {
            "page": page,
            "rows": rows,
            # One string for the template (a loop of 50 costs it more than the join).
            "rows_html": mark_safe("".join(row.html for row in rows)),  # noqa: S308 -- escaped
            "filters": filters,
            "filter_form": filter_form_html(
                filters,
                account=request.GET.get("account", ""),
                marketing=request.GET.get("marketing", ""),
                pending=request.GET.get("pending", ""),
                locations=locations,
                query=query_string,
            ),
            "can_manage": request.member.has_permission(Permission.MANAGE_CUSTOMERS),
            "query": query_string,
        },
    )


def account_status(customer: Customer) -> str:
    """none / active / pending / deleted. A record pending approval counts as pending
    with or without a login yet: whoever signs up with its email waits for approval."""
    if customer.user_id:
        return "pending" if customer.pending_approval else "active"
    if customer.account_deleted_at:
        return "deleted"
    return "pending" if customer.pending_approval else "none"


@staff_view(Permission.VIEW_CUSTOMERS)
def customer_detail(request: StaffRequest, customer_id: int) -> HttpResponse:
    try:
        customer = selectors.customer_for_staff(request.member, customer_id)
    except NotFound:
        raise Http404 from None
    record_addresses = {address.role: address for address in customer.record_addresses.all()}
    member = request.member
    # Appointments are the orders' staff's: seen with VIEW_ORDERS, booked with MANAGE_ORDERS.
    appointments = (
        customer_appointments(member, customer)
        if member.has_permission(Permission.VIEW_ORDERS)
        else None
    )
    return render(
        request,
        "dashboard/customers/customer_detail.html",
        {
            "customer": customer,
            "messages_url": (
                reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})
                if member.has_permission(Permission.MESSAGE_CUSTOMERS)
                else ""
            ),
            "upcoming_appointments": appointments[0] if appointments else [],
            "past_appointments": appointments[1] if appointments else [],
            "show_appointments": appointments is not None,
            "can_book": member.has_permission(Permission.MANAGE_ORDERS)
            and customer.erased_at is None,
            "account_status": account_status(customer),
            "billing_address": record_addresses.get(AddressRole.BILLING),
            "shipping_address": record_addresses.get(AddressRole.SHIPPING),
            "consent_changes": list(
                customer.marketing_consent_changes.select_related("changed_by__user")
            ),
            "timeline": timeline(customer),
            "totals": selectors.order_totals(customer),
            "orders": list(selectors.customer_orders(customer)),
            "cards": list(customer.saved_cards.all()),
            "addresses": list(customer.saved_addresses.all()),
            "phones": list(customer.contact_phones.all()),
            "emails": list(customer.contact_emails.all()),
            "can_manage": request.member.has_permission(Permission.MANAGE_CUSTOMERS),
        },
    )


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_password_link(request: StaffRequest, customer_id: int) -> HttpResponse:
    """GET: the confirmation step; POST: email the customer a single-use 24-hour link
    (a reset with an account, an invitation to create one without)."""
    try:
        customer = selectors.customer_for_staff(request.member, customer_id)
    except NotFound:
        raise Http404 from None
    refusal = refusal_for(customer)
    if request.method == "POST" and not refusal:
        try:
            send_password_link(
                actor=request.member,
                customer_id=customer.pk,
                reset_link_for=lambda uidb64, token: absolute_url(
                    reverse("storefront:account_password_reset", args=[uidb64, token]), request
                ),
                invitation_link_for=lambda token: absolute_url(
                    reverse("storefront:account_invitation", args=[token]), request
                ),
            )
        except DomainError as error:
            refusal = str(error.message)
        else:
            messages.success(
                request,
                _("A password link was sent to %(email)s.")
                % {"email": customer.user.email if customer.user else customer.email},
            )
            return redirect("dashboard:customer_detail", customer_id=customer.pk)
    return render(
        request,
        "dashboard/customers/password_link.html",
        {"customer": customer, "refusal": refusal},
        status=400 if refusal and request.method == "POST" else 200,
    )
