"""The customer directory as CSV: the export of the filtered list (the import comes
with its own page)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import cast

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from comptoir.catalog.selectors import locations_for_staff
from comptoir.customers import selectors
from comptoir.customers.models import Customer
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.views.customers import directory_filters
from comptoir.team.permissions import Permission

CSV_INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(CSV_INJECTION_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_header() -> list[str]:
    return [
        _("First name"),
        _("Last name"),
        _("Email"),
        _("Phone"),
        _("Account"),
        _("Created"),
        _("Orders"),
        _("Total spent"),
        _("Last order"),
        _("Location of last order"),
    ]


def _csv_rows(
    customers: Iterator[Customer],
    *,
    header: list[str],
    yes_no: tuple[str, str],
    location_names: dict[int, str],
) -> Iterator[str]:
    """Rows written as the response streams, after the view has returned: the
    translated words are computed beforehand, in the staff member's language."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for customer in customers:
        yield writer.writerow(
            [
                _cell(customer.first_name),
                _cell(customer.last_name),
                _cell(customer.email),
                _cell(customer.phone),
                yes_no[0] if customer.user_id else yes_no[1],
                customer.created_at.date().isoformat(),
                customer.order_count,  # type: ignore[attr-defined]
                customer.total_spent,  # type: ignore[attr-defined]
                customer.last_order_at.isoformat() if customer.last_order_at else "",  # type: ignore[attr-defined]
                _cell(location_names.get(customer.last_location_id, "")),  # type: ignore[attr-defined]
            ]
        )


@staff_view(Permission.VIEW_CUSTOMERS)
def customer_export(request: StaffRequest) -> HttpResponse:
    """The filtered directory as CSV, streamed (amounts in minor units)."""
    customers = selectors.directory(request.member, directory_filters(request))
    location_names = {
        location.pk: location.name for location in locations_for_staff(request.member)
    }
    response = StreamingHttpResponse(
        _csv_rows(
            customers.iterator(chunk_size=2000),
            header=_csv_header(),
            yes_no=(_("yes"), _("no")),
            location_names=location_names,
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="customers.csv"'
    # staff_view's signature speaks of HttpResponse; a streamed one is served the same.
    return cast(HttpResponse, response)
