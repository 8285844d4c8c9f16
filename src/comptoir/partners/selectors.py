"""Reads of the partners app, scoped to who asks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.compiled_read import CompiledRead
from comptoir.errors import NotFound
from comptoir.partners.models import Partner, PartnerItem, PartnerOrder
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember

# Every delivery asks: the statement compiled once per process, with the partner's
# location (where its orders go) in the same row.
_active_partner = CompiledRead(
    lambda slug: Partner.objects.select_related("location").filter(slug=slug, is_active=True),
    placeholder="compiled-read-placeholder",
)


def active_partner(slug: str) -> Partner | None:
    """The partner posting to /partners/<slug>/webhook/ (None: unknown or switched off),
    with its location."""
    return _active_partner.first(slug)


def partners() -> QuerySet[Partner]:
    return Partner.objects.select_related("location").order_by("name", "pk")


def partner(pk: int) -> Partner:
    found = partners().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such partner."))
    return found


def partner_items(partner: Partner) -> QuerySet[PartnerItem]:
    return partner.items.select_related("product").order_by("external_id")


def partner_orders_for(actor: TeamMember, *, limit: int = 100) -> QuerySet[PartnerOrder]:
    """The newest partner orders at the locations the member works at."""
    rows = PartnerOrder.objects.select_related(
        "partner", "order", "order__fulfilment", "order__location"
    ).prefetch_related("order__lines")
    allowed = visible_location_ids(actor)
    if allowed is not None:
        rows = rows.filter(order__location_id__in=allowed)
    return rows.order_by("-order__placed_at", "-pk")[:limit]
