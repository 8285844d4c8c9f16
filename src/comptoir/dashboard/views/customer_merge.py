"""Merging two customer records: the suggested pairs, choosing the other record, the
confirmation with both side by side (which one is kept can be swapped), and the merge
itself (customers.services.merging)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.customers import selectors
from comptoir.customers.duplicates import MAX_PAIRS, duplicate_pairs
from comptoir.customers.models import Customer
from comptoir.customers.selectors import DirectoryFilters
from comptoir.customers.services.merging import default_kept, merge_customers, merge_refusal
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, NotFound
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

SEARCH_RESULTS = 20


def _visible(member: TeamMember, customer_id: int | str | None) -> Customer:
    if not str(customer_id or "").isdigit():
        raise Http404
    try:
        return selectors.customer_for_staff(member, int(str(customer_id)))
    except NotFound:
        raise Http404 from None


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_duplicates(request: StaffRequest) -> HttpResponse:
    pairs = duplicate_pairs(request.member)
    return render(
        request,
        "dashboard/customers/duplicates.html",
        {"pairs": pairs, "capped": len(pairs) >= MAX_PAIRS, "max_pairs": MAX_PAIRS},
    )


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_merge(request: StaffRequest, customer_id: int) -> HttpResponse:
    """GET without ``other``: find the other record. GET with ``other`` (and ``keep``):
    the confirmation. POST: merge."""
    customer = _visible(request.member, customer_id)
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("other"):
        return _choose_other(request, customer)
    other = _visible(request.member, params.get("other"))
    if other.pk == customer.pk:
        raise Http404
    keep = params.get("keep", "")
    if keep == str(other.pk):
        kept, merged = other, customer
    elif keep == str(customer.pk):
        kept, merged = customer, other
    else:
        kept = default_kept(customer, other)
        merged = other if kept is customer else customer
    refusal = merge_refusal(kept, merged)
    if request.method == "POST" and not refusal:
        try:
            merge_customers(actor=request.member, kept_id=kept.pk, merged_id=merged.pk)
        except DomainError as error:
            refusal = str(error.message)
        else:
            messages.success(
                request,
                _("Record #%(merged)s was merged into this one.") % {"merged": merged.pk},
            )
            return redirect("dashboard:customer_detail", customer_id=kept.pk)
    return render(
        request,
        "dashboard/customers/merge_confirm.html",
        {
            "customer": customer,
            "other": other,
            "kept": kept,
            "merged": merged,
            "sides": [
                (kept, True, selectors.order_totals(kept)),
                (merged, False, selectors.order_totals(merged)),
            ],
            "refusal": refusal,
        },
        status=409 if refusal and request.method == "POST" else 200,
    )


def _choose_other(request: StaffRequest, customer: Customer) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    results = []
    if search:
        results = list(
            selectors.directory(request.member, DirectoryFilters(search=search))
            .select_related("spending")
            .exclude(pk=customer.pk)[:SEARCH_RESULTS]
        )
    return render(
        request,
        "dashboard/customers/merge.html",
        {"customer": customer, "search": search, "results": results},
    )
