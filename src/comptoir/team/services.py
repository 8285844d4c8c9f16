"""Changes to the team: the owner, members and roles (Square's model; the rules are
written in docs/decisions/0002-team-permissions.md).

Nobody hands out more than they hold: a member who is not full access can only grant
permissions and locations they have themselves, and only manage members who hold no
more than they do. The owner's membership is the owner's alone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.errors import Conflict, InvalidInput, PermissionDenied
from comptoir.shop.models import Location
from comptoir.team.access import require, visible_location_ids
from comptoir.team.models import Access, Role, TeamMember
from comptoir.team.permissions import Permission, expand
from comptoir.users.models import Language, User

MEMBER_FIELDS = frozenset({"email", "full_name", "language", "access", "role", "locations"})
OWNER_OWN_FIELDS = frozenset({"email", "full_name", "language"})


def create_owner(*, email: str, password: str, full_name: str = "") -> TeamMember:
    """Set up the first person of a fresh installation (no actor: nobody exists yet)."""
    email = _clean_email(email)
    _check_password(password, email=email)
    with transaction.atomic():
        if TeamMember.objects.filter(access=Access.OWNER).exists():
            raise Conflict(_("This shop already has an owner."), code="owner_exists")
        user = _user_for(email, full_name=full_name)
        user.set_password(password)
        user.is_active = True
        user.save()
        member = TeamMember.objects.filter(user=user).first() or TeamMember(user=user)
        member.access, member.role, member.all_locations, member.is_active = (
            Access.OWNER,
            None,
            True,
            True,
        )
        try:
            member.save()
        except IntegrityError:  # another create_owner won the race
            raise Conflict(_("This shop already has an owner."), code="owner_exists") from None
        member.locations.clear()
    return member


def add_member(
    *,
    actor: TeamMember,
    email: str,
    full_name: str,
    access: Access | str,
    password: str | None = None,
    role: Role | None = None,
    locations: Iterable[Location] | None = None,
    language: str = "",
) -> TeamMember:
    """Add someone to the team (or bring back a deactivated member). ``locations=None``
    means every location. Without a password the account cannot sign in yet."""
    require(actor, Permission.MANAGE_TEAM)
    email = _clean_email(email)
    _check_language(language)
    location_list = None if locations is None else list(locations)
    _check_grant(actor, access=Access(access), role=role, locations=location_list)
    if password:
        _check_password(password, email=email)
    with transaction.atomic():
        user = _user_for(email, full_name=full_name)
        member = (
            TeamMember.objects.select_for_update().filter(user=user).first() if user.pk else None
        )
        if member is not None and member.is_active:
            raise Conflict(
                _("%(email)s is already on the team.") % {"email": email}, code="already_member"
            )
        if member is not None and member.is_owner:
            raise PermissionDenied(_("Nobody but the owner changes the owner's membership."))
        if full_name:
            user.full_name = full_name
        if language:
            user.language = language
        if password:
            user.set_password(password)
        elif user.pk is None:
            # The invitation email comes with the mail app; until then the account
            # waits for a password set by the owner.
            user.set_unusable_password()
        user.save()
        member = member or TeamMember(user=user)
        member.is_active = True
        _assign(member, access=Access(access), role=role, locations=location_list)
    return member


def update_member(*, actor: TeamMember, member: TeamMember, **changes: Any) -> TeamMember:
    """Change a member's email, name, language, access, role or locations
    (``locations=None``: every location)."""
    require(actor, Permission.MANAGE_TEAM)
    unknown = set(changes) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        member = (
            TeamMember.objects.select_for_update(of=("self",))
            .select_related("user", "role")
            .get(pk=member.pk)
        )
        if member.is_owner:
            if actor.pk != member.pk:
                raise PermissionDenied(_("Nobody but the owner changes the owner's membership."))
            if set(changes) - OWNER_OWN_FIELDS:
                raise PermissionDenied(_("The owner stays the owner with access to everything."))
        else:
            _check_may_manage(actor, member)
        user = member.user
        errors: dict[str, str] = {}
        if "email" in changes:
            email = _clean_email(changes["email"])
            if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                errors["email"] = _("Another account already uses %(email)s.") % {"email": email}
            user.email = email
        if "language" in changes:
            _check_language(changes["language"])
            user.language = changes["language"]
        if "full_name" in changes:
            user.full_name = changes["full_name"]
        if errors:
            raise InvalidInput(errors)
        user.save()
        if set(changes) & {"access", "role", "locations"}:
            access = Access(changes.get("access", member.access))
            role = changes.get("role", member.role) if access == Access.ROLE else None
            if "locations" in changes:
                locations = None if changes["locations"] is None else list(changes["locations"])
            else:
                locations = None if member.all_locations else list(member.locations.all())
            _check_grant(actor, access=access, role=role, locations=locations)
            _assign(member, access=access, role=role, locations=locations)
    return member


def deactivate_member(*, actor: TeamMember, member: TeamMember) -> TeamMember:
    require(actor, Permission.MANAGE_TEAM)
    if member.pk == actor.pk:
        raise PermissionDenied(_("You cannot deactivate yourself; ask another team manager."))
    if member.is_owner:
        raise PermissionDenied(_("The owner cannot be deactivated."))
    with transaction.atomic():
        member = (
            TeamMember.objects.select_for_update(of=("self",))
            .select_related("role")
            .get(pk=member.pk)
        )
        _check_may_manage(actor, member)
        member.is_active = False
        member.save(update_fields=["is_active"])
    return member


def update_profile(*, actor: TeamMember, full_name: str, language: str) -> User:
    """A member's own name and dashboard language (every member may change theirs)."""
    if actor is None or not actor.is_active:
        raise PermissionDenied(_("Only team members can do this."))
    _check_language(language)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.user_id)
        user.full_name, user.language = full_name.strip(), language
        user.save(update_fields=["full_name", "language"])
    return user


def create_role(*, actor: TeamMember, name: str, permissions: Iterable[str]) -> Role:
    require(actor, Permission.MANAGE_TEAM)
    codes = _clean_permissions(permissions)
    _check_may_grant_permissions(actor, codes)
    name = _clean_role_name(name)
    with transaction.atomic():
        return Role.objects.create(name=name, permissions=codes)


def update_role(
    *,
    actor: TeamMember,
    role: Role,
    name: str | None = None,
    permissions: Iterable[str] | None = None,
) -> Role:
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        # Editing a role changes what its members may do: only someone holding at least
        # the role's current permissions may touch it.
        _check_may_grant_permissions(actor, role.permissions)
        if permissions is not None:
            codes = _clean_permissions(permissions)
            _check_may_grant_permissions(actor, codes)
            role.permissions = codes
        if name is not None:
            role.name = _clean_role_name(name, exclude=role)
        role.save()
    return role


def delete_role(*, actor: TeamMember, role: Role) -> None:
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        _check_may_grant_permissions(actor, role.permissions)
        holders = list(role.members.select_related("user").order_by("user__email")[:4])
        if holders:
            names = ", ".join(str(member) for member in holders[:3]) + (
                "…" if len(holders) > 3 else ""
            )
            raise Conflict(
                _("The role “%(role)s” is still given to %(names)s. Give them another role first.")
                % {"role": role.name, "names": names},
                code="role_in_use",
            )
        role.delete()


# Rules ------------------------------------------------------------------------------


def _check_may_grant_permissions(actor: TeamMember, codes: Iterable[str]) -> None:
    if actor.has_full_access:
        return
    missing = expand(set(codes)) - actor.permissions
    if missing:
        labels = ", ".join(sorted(str(Permission(code).label) for code in missing))
        raise PermissionDenied(
            _("You cannot grant permissions you do not hold yourself: %(labels)s.")
            % {"labels": labels}
        )


def _check_grant(
    actor: TeamMember, *, access: Access, role: Role | None, locations: list[Location] | None
) -> None:
    """May ``actor`` give someone this access, role and set of locations?"""
    if access == Access.OWNER:
        raise PermissionDenied(_("There is one owner; nobody can make another."))
    if access == Access.FULL and not actor.has_full_access:
        raise PermissionDenied(_("Only the owner and full-access members can grant full access."))
    if access == Access.ROLE:
        if role is None:
            raise InvalidInput({"role": _("Choose a role for this member.")})
        _check_may_grant_permissions(actor, role.permissions)
    allowed = visible_location_ids(actor)
    if allowed is not None:
        if locations is None or access == Access.FULL:
            raise PermissionDenied(_("You can only give access to the locations you work at."))
        if {location.pk for location in locations} - allowed:
            raise PermissionDenied(_("You can only give access to the locations you work at."))


def _check_may_manage(actor: TeamMember, member: TeamMember) -> None:
    """A member may only manage members who hold no more than they do."""
    if actor.has_full_access:
        return
    if member.has_full_access:
        raise PermissionDenied(
            _("Only the owner and full-access members can change a full-access member.")
        )
    _check_may_grant_permissions(actor, member.role.permissions if member.role else [])
    allowed = visible_location_ids(actor)
    if allowed is not None and (
        member.all_locations or set(member.locations.values_list("pk", flat=True)) - allowed
    ):
        raise PermissionDenied(_("You can only manage members of the locations you work at."))


def _assign(
    member: TeamMember, *, access: Access, role: Role | None, locations: list[Location] | None
) -> None:
    member.access = access
    member.role = role if access == Access.ROLE else None
    member.all_locations = locations is None or access != Access.ROLE
    member.save()
    member.locations.set([] if member.all_locations else locations or [])


def _user_for(email: str, *, full_name: str) -> User:
    """The account with this email (any case), or a new unsaved one."""
    user = User.objects.filter(email__iexact=email).first()
    return user or User(email=email, full_name=full_name)


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput({"email": _("Enter a valid email address.")}) from None
    return email


def _check_password(password: str, *, email: str) -> None:
    if not password:
        raise InvalidInput({"password": _("Choose a password.")})
    try:
        validate_password(password, User(email=email))
    except ValidationError as error:
        raise InvalidInput({"password": " ".join(error.messages)}) from None


def _check_language(language: str) -> None:
    if language and language not in Language.values:
        raise InvalidInput({"language": _("Choose French or English.")})


def _clean_permissions(permissions: Iterable[str]) -> list[str]:
    codes = [str(code) for code in permissions]
    unknown = [code for code in codes if code not in Permission.values]
    if unknown:
        raise InvalidInput(
            {"permissions": _("Unknown permission: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [code for code in Permission.values if code in codes]


def _clean_role_name(name: str, *, exclude: Role | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": _("Give the role a name.")})
    if len(name) > 80:
        raise InvalidInput({"name": _("Keep the name under 80 characters.")})
    others = Role.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise InvalidInput({"name": _("A role named “%(name)s” already exists.") % {"name": name}})
    return name
