"""Who may do what: the one place services and views ask. Location limits live here
too, so every lookup scoped by location goes through ``visible_location_ids``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from comptoir.compiled_read import CompiledRead
from comptoir.errors import PermissionDenied
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

if TYPE_CHECKING:
    from comptoir.shop.models import Location
    from comptoir.users.models import User


# Read on every dashboard request: its SQL is compiled once per process (the row, and
# so the member's access and role, is read each time).
_active_member = CompiledRead(
    lambda user_id: TeamMember.objects.select_related("role").filter(
        user_id=user_id, is_active=True
    )
)


def member_of(user: User | None) -> TeamMember | None:
    """The active team membership of ``user``, or None (anonymous, shopper, deactivated)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    # Set below on the user object, so no type declares it. False: not looked up yet
    # (None is a cached "not a member").
    cached = cast("TeamMember | Literal[False] | None", getattr(user, "_team_member_cache", False))
    if cached is not False:
        return cached
    member = _active_member.first(user.pk)
    if member is not None and not (member.has_full_access or member.all_locations):
        # The locations of a member limited to some: read once for the request, where
        # the pages' location checks read them two to four times. Kept in Django's
        # prefetch cache, which the relation's set/add/remove/clear empty.
        prefetch_related_objects([member], "locations")
    user._team_member_cache = member  # type: ignore[attr-defined]
    return member


def require(actor: TeamMember | None, permission: Permission) -> TeamMember:
    """Return ``actor`` if it holds ``permission``, else raise PermissionDenied."""
    if actor is None or not actor.is_active:
        raise PermissionDenied(_("Only team members can do this."))
    if not actor.has_permission(permission):
        raise PermissionDenied(
            _("You need the “%(permission)s” permission to do this.")
            % {"permission": Permission(permission).label}
        )
    return actor


def visible_location_ids(actor: TeamMember) -> set[int] | None:
    """Location ids the member works at; None means every location."""
    if actor.has_full_access or actor.all_locations:
        return None
    prefetched = getattr(actor, "_prefetched_objects_cache", {}).get("locations")
    if prefetched is not None:
        return {location.pk for location in prefetched}
    return set(actor.locations.values_list("id", flat=True))


def can_access_location(actor: TeamMember, location: Location | int) -> bool:
    allowed = visible_location_ids(actor)
    location_id = location if isinstance(location, int) else location.pk
    return allowed is None or location_id in allowed


def require_location(actor: TeamMember, location: Location | int) -> None:
    if not can_access_location(actor, location):
        raise PermissionDenied(_("You are not set up to work at this location."))
