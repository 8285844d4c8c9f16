"""Setting a location's tables up: create, rename, stop or resume taking orders.

Tables are part of a location's setup, like its opening hours and fulfilment types, so
they need "manage settings" (and to work at the location). A table is never deleted:
its orders keep its label, and a deactivated table's QR code keeps saying that the
table is not taking orders instead of leading nowhere."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.errors import InvalidInput
from comptoir.shop.models import Location
from comptoir.tables.models import LABEL_MAX_LENGTH, Table
from comptoir.team.access import require, require_location
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

TABLE_PERMISSION = Permission.MANAGE_SETTINGS


def create_table(*, actor: TeamMember | None, location: Location, label: str) -> Table:
    """A new table of ``location``, taking orders, with a fresh random token."""
    member = require(actor, TABLE_PERMISSION)
    require_location(member, location)
    return _save(Table(location=location, label=_clean_label(label)))


def rename_table(*, actor: TeamMember | None, table: Table, label: str) -> Table:
    """A new label (its QR code stays the same: the token does not change)."""
    member = require(actor, TABLE_PERMISSION)
    require_location(member, table.location_id)
    table.label = _clean_label(label)
    return _save(table, fields=["label"])


def set_table_active(*, actor: TeamMember | None, table: Table, active: bool) -> Table:
    """Stop (``active=False``) or resume taking orders at the table."""
    member = require(actor, TABLE_PERMISSION)
    require_location(member, table.location_id)
    Table.objects.filter(pk=table.pk).update(is_active=active)
    table.is_active = active
    return table


def _clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise InvalidInput({"label": _("Give the table a label, e.g. 4 or Terrace 2.")})
    if len(label) > LABEL_MAX_LENGTH:
        raise InvalidInput(
            {
                "label": _("Keep the label to %(max)s characters at most.")
                % {"max": LABEL_MAX_LENGTH}
            }
        )
    return label


def _save(table: Table, fields: list[str] | None = None) -> Table:
    try:
        with transaction.atomic():
            table.save(update_fields=fields)
    except IntegrityError:
        raise InvalidInput(
            {"label": _("This location already has a table with this label.")},
            code="duplicate_label",
        ) from None
    return table
