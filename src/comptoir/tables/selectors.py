"""Reads about tables: the staff's, scoped to the locations they work at, and the
shopper's, found by the token of the QR code only."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.errors import NotFound
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.models import Location
from comptoir.tables.models import Table
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember


def tables_for_staff(actor: TeamMember) -> QuerySet[Table]:
    tables = Table.objects.select_related("location")
    allowed = visible_location_ids(actor)
    tables = tables if allowed is None else tables.filter(location_id__in=allowed)
    return tables.order_by("location__position", "location__name", "label", "id")


def table_for_staff(actor: TeamMember, pk: int) -> Table:
    table = tables_for_staff(actor).filter(pk=pk).first()
    if table is None:
        raise NotFound(_("No such table, or not at a location you work at."))
    return table


def label_order(table: Table) -> tuple:
    """Labels in natural order: 2 before 10, "Terrace 2" before "Terrace 10"."""
    parts = [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", table.label)
        if part
    ]
    return (*parts, (2, table.pk, ""))


def active_tables_of(location: Location) -> list[Table]:
    """The tables of ``location`` taking orders, in natural label order (the QR sheet)."""
    return sorted(Table.objects.filter(location=location, is_active=True), key=label_order)


def table_by_token(token: str) -> Table | None:
    """The table whose QR code carries ``token`` (active or not), with its location."""
    if not token or len(token) > 40:
        return None
    return Table.objects.select_related("location").filter(token=token).first()


def takes_orders(table: Table) -> bool:
    """Whether the table's menu takes orders: the table and its location are active and
    the location still offers table ordering."""
    location = table.location
    return table.is_active and location.is_active and location.offers(Offer.TABLE)
