"""Tables of each location: add, rename, stop or resume taking orders, and their QR
codes (one table's PNG, or a printable sheet of a location's tables as PNG pages or a
PDF). Everything needs "manage settings" (tables are part of a location's setup)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.forms.shop import show_errors
from comptoir.errors import InvalidInput
from comptoir.shop.models import Location
from comptoir.shop.selectors import location_for_staff, locations_for_staff
from comptoir.tables import qr, selectors, services
from comptoir.tables.links import menu_url
from comptoir.tables.models import LABEL_MAX_LENGTH, Table
from comptoir.tables.services import TABLE_PERMISSION


class TableForm(forms.Form):
    location: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Location.objects.none(), label=gettext_lazy("Location")
    )
    label = forms.CharField(
        label=gettext_lazy("Label"),
        max_length=LABEL_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy(
            "As the staff and the kitchen's tickets call it, e.g. 4 or Terrace 2."
        ),
    )

    def __init__(self, *args: Any, locations: Any, table: Table | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = locations
        if table is not None:
            del self.fields["location"]  # a table stays where it stands


@staff_view(TABLE_PERMISSION)
@require_GET
def table_list(request: StaffRequest) -> HttpResponse:
    tables = list(selectors.tables_for_staff(request.member))
    locations = []
    for location in locations_for_staff(request.member).prefetch_related(None):
        here = sorted(
            (table for table in tables if table.location_id == location.pk),
            key=selectors.label_order,
        )
        active = sum(1 for table in here if table.is_active)
        pages = range(1, qr.page_count(active) + 1)
        locations.append({"location": location, "tables": here, "pages": pages})
    return render(request, "dashboard/tables/table_list.html", {"locations": locations})


@staff_view(TABLE_PERMISSION)
def table_create(request: StaffRequest) -> HttpResponse:
    locations = locations_for_staff(request.member).prefetch_related(None)
    initial = {"location": request.GET.get("location")} if request.GET.get("location") else None
    form = TableForm(request.POST or None, locations=locations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            table = services.create_table(
                actor=request.member,
                location=form.cleaned_data["location"],
                label=form.cleaned_data["label"],
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Table %(label)s added.") % {"label": table.label})
            return redirect("dashboard:table_list")
    return render(request, "dashboard/tables/table_form.html", {"form": form, "table": None})


@staff_view(TABLE_PERMISSION)
def table_edit(request: StaffRequest, table_id: int) -> HttpResponse:
    table = selectors.table_for_staff(request.member, table_id)
    form = TableForm(
        request.POST or None, locations=None, table=table, initial={"label": table.label}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_table(
                actor=request.member, table=table, label=form.cleaned_data["label"]
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Table renamed: %(label)s.") % {"label": table.label})
            return redirect("dashboard:table_list")
    return render(request, "dashboard/tables/table_form.html", {"form": form, "table": table})


@staff_view(TABLE_PERMISSION)
@require_POST
def table_active(request: StaffRequest, table_id: int) -> HttpResponse:
    table = selectors.table_for_staff(request.member, table_id)
    active = request.POST.get("active") == "1"
    services.set_table_active(actor=request.member, table=table, active=active)
    messages.success(
        request,
        (
            _("Table %(label)s takes orders again.")
            if active
            else _("Table %(label)s no longer takes orders: its QR code says so.")
        )
        % {"label": table.label},
    )
    return redirect("dashboard:table_list")


@staff_view(TABLE_PERMISSION)
@require_GET
def table_qr(request: StaffRequest, table_id: int) -> HttpResponse:
    table = selectors.table_for_staff(request.member, table_id)
    response = HttpResponse(qr.qr_png(_url(request, table)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="table-{table.pk}.png"'
    return response


@staff_view(TABLE_PERMISSION)
@require_GET
def table_sheet(request: StaffRequest, location_id: int) -> HttpResponse:
    """A page of the location's QR sheet as a PNG (``?page=2`` for the second)."""
    location, entries = _sheet(request, location_id)
    try:
        page = int(request.GET.get("page", "1")) - 1
    except ValueError:
        page = 0
    response = HttpResponse(qr.sheet_png(entries, location.name, page), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="tables-{location.slug}-{page + 1}.png"'
    return response


@staff_view(TABLE_PERMISSION)
@require_GET
def table_sheet_pdf(request: StaffRequest, location_id: int) -> HttpResponse:
    location, entries = _sheet(request, location_id)
    response = HttpResponse(qr.sheet_pdf(entries, location.name), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tables-{location.slug}.pdf"'
    return response


def _url(request: StaffRequest, table: Table) -> str:
    return menu_url(table, request)


def _sheet(request: StaffRequest, location_id: int) -> tuple[Any, list[qr.Entry]]:
    location = location_for_staff(request.member, location_id)
    entries = [
        qr.Entry(label=table.label, url=_url(request, table))
        for table in selectors.active_tables_of(location)
    ]
    return location, entries
