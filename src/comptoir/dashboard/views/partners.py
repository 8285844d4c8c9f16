"""Partner pages: partners (settings: the shared secret is shown once, at creation or
rotation), their item mapping, and the partner orders staff accept, decline or delay."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.forms.partners import DelayForm, PartnerForm, PartnerItemForm
from comptoir.dashboard.forms.shop import show_errors
from comptoir.errors import InvalidInput
from comptoir.partners import selectors, services
from comptoir.partners.models import Partner
from comptoir.shop.links import absolute_url
from comptoir.team.permissions import Permission


@staff_view(Permission.MANAGE_SETTINGS)
@require_GET
def partner_list(request: StaffRequest) -> HttpResponse:
    return render(
        request, "dashboard/partners/partner_list.html", {"partners": selectors.partners()}
    )


@staff_view(Permission.MANAGE_SETTINGS)
def partner_create(request: StaffRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_partner(actor=request.member, **form.changes())  # type: ignore[arg-type]
        except InvalidInput as error:
            show_errors(form, error)
        else:
            return _secret_page(request, created.partner, created.secret, new=True)
    return render(request, "dashboard/partners/partner_form.html", {"form": form, "partner": None})


@staff_view(Permission.MANAGE_SETTINGS)
def partner_edit(request: StaffRequest, partner_id: int) -> HttpResponse:
    partner = selectors.partner(partner_id)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(
                actor=request.member, partner=selectors.partner(partner_id), **form.changes()
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": partner.name})
            return redirect("dashboard:partner_list")
    return render(
        request,
        "dashboard/partners/partner_form.html",
        {"form": form, "partner": partner, "webhook_url": _webhook_url(request, partner)},
    )


@staff_view(Permission.MANAGE_SETTINGS)
@require_POST
def partner_rotate_secret(request: StaffRequest, partner_id: int) -> HttpResponse:
    rotated = services.rotate_secret(actor=request.member, partner=selectors.partner(partner_id))
    return _secret_page(request, rotated.partner, rotated.secret, new=False)


@staff_view(Permission.MANAGE_SETTINGS)
def partner_items(request: StaffRequest, partner_id: int) -> HttpResponse:
    partner = selectors.partner(partner_id)
    form = PartnerItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.map_item(
                actor=request.member,
                partner=partner,
                external_id=form.cleaned_data["external_id"],
                product=form.cleaned_data["product"],
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Item mapped."))
            return redirect("dashboard:partner_items", partner_id=partner.pk)
    return render(
        request,
        "dashboard/partners/partner_items.html",
        {"partner": partner, "items": selectors.partner_items(partner), "form": form},
    )


@staff_view(Permission.MANAGE_SETTINGS)
@require_POST
def partner_item_delete(request: StaffRequest, partner_id: int, item_id: int) -> HttpResponse:
    partner = selectors.partner(partner_id)
    services.unmap_item(actor=request.member, partner=partner, item_id=item_id)
    messages.success(request, _("Mapping removed."))
    return redirect("dashboard:partner_items", partner_id=partner.pk)


@staff_view(Permission.MANAGE_ORDERS)
@require_GET
def partner_orders(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/partners/partner_orders.html",
        {"partner_orders": selectors.partner_orders_for(request.member), "delay_form": DelayForm()},
    )


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def partner_order_accept(request: StaffRequest, partner_order_id: int) -> HttpResponse:
    services.accept_partner_order(
        actor=request.member,
        partner_order_id=partner_order_id,
        version=_version(request.POST.get("version")),
    )
    messages.success(request, _("Order accepted; the partner is being told."))
    return redirect("dashboard:partner_orders")


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def partner_order_decline(request: StaffRequest, partner_order_id: int) -> HttpResponse:
    services.decline_partner_order(
        actor=request.member,
        partner_order_id=partner_order_id,
        version=_version(request.POST.get("version")),
    )
    messages.success(request, _("Order declined; the partner is being told."))
    return redirect("dashboard:partner_orders")


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def partner_order_delay(request: StaffRequest, partner_order_id: int) -> HttpResponse:
    form = DelayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a delay from 1 to 120 minutes."))
        return redirect("dashboard:partner_orders")
    services.delay_partner_order(
        actor=request.member,
        partner_order_id=partner_order_id,
        minutes=form.cleaned_data["minutes"],
        version=_version(request.POST.get("version")),
    )
    messages.success(request, _("New preparation time sent to the partner."))
    return redirect("dashboard:partner_orders")


def _version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _webhook_url(request: StaffRequest, partner: Partner) -> str:
    return absolute_url(reverse("partner_webhook", args=[partner.slug]), request)


def _secret_page(
    request: StaffRequest, partner: Partner, secret: str, *, new: bool
) -> HttpResponse:
    response = render(
        request,
        "dashboard/partners/partner_secret.html",
        {
            "partner": partner,
            "secret": secret,
            "new": new,
            "webhook_url": _webhook_url(request, partner),
        },
    )
    response["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response
