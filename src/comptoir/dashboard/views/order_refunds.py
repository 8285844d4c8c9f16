"""Removing items from an open order (a partial cancellation): staff choose how many of
each line to take off; ``orders.refunds.cancel_lines`` refunds the difference (card
first, then gift card), returns the stock and emails the customer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import DomainError, InvalidInput
from comptoir.orders import dashboard_selectors as pages
from comptoir.orders.models import Order
from comptoir.orders.refunds import cancel_lines
from comptoir.shop.money import format_money
from comptoir.team.permissions import Permission


@staff_view(Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def order_remove_items(request: StaffRequest, order_id: int) -> HttpResponse:
    order = pages.order_for_page(request.member, order_id)
    if request.method == "GET":
        return _show(request, order)
    quantities: dict[int, Any] = {}
    for line in order.lines.all():
        typed = request.POST.get(f"remove_{line.pk}", "").strip()
        if typed:
            try:
                quantities[line.pk] = int(typed)
            except ValueError:
                quantities[line.pk] = -1  # refused by the service with its message
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        done = cancel_lines(
            actor=request.member,
            order_id=order.pk,
            expected_version=version,
            quantities=quantities,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        fresh = pages.order_for_page(request.member, order_id)
        errors = list(error.errors.values()) if isinstance(error, InvalidInput) else [error.message]
        return _show(
            request, fresh, errors=[str(e) for e in errors], typed=request.POST, status=error.status
        )
    messages.success(
        request,
        _("Items removed: %(amount)s refunded.")
        % {
            "amount": format_money(
                done.settlement.amount, order.currency, translation.get_language() or "en"
            )
        },
    )
    return redirect("dashboard:order_detail", order.pk)


def _show(
    request: StaffRequest,
    order: Order,
    *,
    errors: list[str] | None = None,
    typed: Any = None,
    status: int = 200,
) -> HttpResponse:
    lines = [
        {"line": line, "typed": (typed or {}).get(f"remove_{line.pk}", "")}
        for line in order.lines.all()
    ]
    return render(
        request,
        "dashboard/order_refunds/remove_items.html",
        {
            "order": order,
            "lines": lines,
            "errors": errors or [],
            "reason": (typed or {}).get("reason", ""),
        },
        status=status,
    )
