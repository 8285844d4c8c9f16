"""Reads about the team, for the dashboard's team pages."""

from __future__ import annotations

from django.db.models import Case, Count, QuerySet, Value, When
from django.utils.translation import gettext as _

from comptoir.errors import NotFound
from comptoir.team.models import Access, Role, TeamMember


def team_members() -> QuerySet[TeamMember]:
    """Everyone on the team, the owner first, then active members, by name."""
    return (
        TeamMember.objects.select_related("user", "role")
        .prefetch_related("locations")
        .annotate(owner_first=Case(When(access=Access.OWNER, then=Value(0)), default=Value(1)))
        .order_by("-is_active", "owner_first", "user__full_name", "user__email")
    )


def team_member(pk: int) -> TeamMember:
    member = team_members().filter(pk=pk).first()
    if member is None:
        raise NotFound(_("No such team member."))
    return member


def roles() -> QuerySet[Role]:
    return Role.objects.annotate(member_count=Count("members")).order_by("name")


def role(pk: int) -> Role:
    found = roles().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such role."))
    return found
