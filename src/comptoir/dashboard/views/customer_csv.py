"""The customer directory as CSV: the export of the filtered list, with every field of
the record. Its headers are ones the import reads (customers.csv_columns), so an
export can be edited and imported again."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import cast

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from comptoir.catalog.selectors import locations_for_staff
from comptoir.customers import selectors
from comptoir.customers.csv_columns import COLUMNS, protect_cell
from comptoir.customers.models import AddressRole, Customer, CustomerAddress
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.views.customers import directory_filters
from comptoir.team.permissions import Permission

# The record's columns that come first, before the figures; the others follow them.
LEADING = ("first_name", "last_name", "email", "phone")
TRAILING = tuple(column.key for column in COLUMNS if column.key not in LEADING)
LABELS = {column.key: column.label for column in COLUMNS}
CHUNK = 2000


def _cell(value: object) -> str:
    return protect_cell(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_header() -> list[str]:
    return [
        *(str(LABELS[key]) for key in LEADING),
        _("Account"),
        _("Created"),
        _("Orders"),
        _("Total spent"),
        _("Last order"),
        _("Location of last order"),
        *(str(LABELS[key]) for key in TRAILING),
    ]


def _value(customer: Customer, key: str, addresses: dict[str, CustomerAddress]) -> object:
    role, _sep, name = key.partition("_")
    if role in AddressRole.values and name != "same_as_billing":
        return getattr(addresses.get(role), name, "")
    return getattr(customer, key)


def _csv_rows(
    customers: Iterator[Customer],
    *,
    header: list[str],
    yes_no: tuple[str, str],
    location_names: dict[int, str],
) -> Iterator[str]:
    """Rows written as the response streams, after the view has returned: the
    translated words are computed beforehand, in the staff member's language."""

    def cell(value: object) -> str:
        if isinstance(value, bool):
            return yes_no[0] if value else yes_no[1]
        if isinstance(value, date):
            return value.isoformat()
        return _cell(value)

    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for customer in customers:
        spending = getattr(customer, "spending", None)
        # Prefetched: one query per chunk of customers, not one per customer.
        addresses = {address.role: address for address in customer.record_addresses.all()}
        yield writer.writerow(
            [
                *(cell(_value(customer, key, addresses)) for key in LEADING),
                yes_no[0] if customer.user_id else yes_no[1],
                customer.created_at.date().isoformat(),
                spending.order_count if spending else 0,
                spending.total_spent if spending else 0,
                spending.last_order_at.isoformat() if spending and spending.last_order_at else "",
                _cell(location_names.get(spending.last_location_id or 0, "") if spending else ""),
                *(cell(_value(customer, key, addresses)) for key in TRAILING),
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
            customers.select_related("spending")
            .prefetch_related("record_addresses")
            .iterator(chunk_size=CHUNK),
            header=_csv_header(),
            yes_no=(_("yes"), _("no")),
            location_names=location_names,
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="customers.csv"'
    # staff_view's signature speaks of HttpResponse; a streamed one is served the same.
    return cast(HttpResponse, response)
