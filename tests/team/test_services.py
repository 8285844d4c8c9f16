"""Team rules (docs/decisions/0002-team-permissions.md): who may add, change and
deactivate members and roles, with no privilege escalation and the owner protected."""

import pytest
from django.utils import translation

from comptoir.errors import Conflict, InvalidInput, PermissionDenied
from comptoir.team.access import member_of
from comptoir.team.models import Access, Role, TeamMember
from comptoir.team.permissions import Permission
from comptoir.team.services import (
    add_member,
    create_owner,
    create_role,
    deactivate_member,
    delete_role,
    update_member,
    update_role,
)
from comptoir.users.models import User
from tests.factories import LocationFactory, RoleFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
P = Permission


def snapshot(member: TeamMember) -> tuple:
    member = TeamMember.objects.select_related("user").get(pk=member.pk)
    return (
        member.access,
        member.role_id,
        member.is_active,
        member.all_locations,
        sorted(member.locations.values_list("pk", flat=True)),
        member.user.email,
        member.user.full_name,
    )


# --- owner -------------------------------------------------------------------------


def test_create_owner_bootstraps_a_fresh_installation():
    member = create_owner(
        email="Patron@Example.com", password="a-long-secret-9", full_name="Anne Patron"
    )

    assert member.is_owner and member.is_active
    assert member.user.email == "patron@example.com"
    assert member.user.check_password("a-long-secret-9")
    assert member.has_permission(P.MANAGE_TEAM)


def test_create_owner_refuses_when_an_owner_exists(owner):
    with pytest.raises(Conflict):
        create_owner(email="second@example.com", password="a-long-secret-9")

    assert not User.objects.filter(email="second@example.com").exists()
    assert TeamMember.objects.filter(access=Access.OWNER).count() == 1


def test_create_owner_refuses_a_weak_password():
    with pytest.raises(InvalidInput) as refused:
        create_owner(email="patron@example.com", password="short")

    assert "password" in refused.value.errors
    assert not TeamMember.objects.exists()


@pytest.mark.parametrize("manager_access", ["full", "role"])
def test_nobody_but_the_owner_changes_the_owners_membership(owner, make_member, manager_access):
    manager = (
        make_member(access=Access.FULL)
        if manager_access == "full"
        else make_member(permissions=list(Permission))
    )
    before = snapshot(owner)

    with pytest.raises(PermissionDenied):
        update_member(actor=manager, member=owner, full_name="Someone else")
    with pytest.raises(PermissionDenied):
        update_member(actor=manager, member=owner, access=Access.FULL)
    with pytest.raises(PermissionDenied):
        deactivate_member(actor=manager, member=owner)

    assert snapshot(owner) == before


def test_owner_edits_own_details_but_cannot_demote_themselves(owner):
    update_member(actor=owner, member=owner, full_name="Anne Patron", language="en")
    with pytest.raises(PermissionDenied):
        update_member(actor=owner, member=owner, access=Access.FULL)
    with pytest.raises(PermissionDenied):
        deactivate_member(actor=owner, member=owner)

    owner.refresh_from_db()
    owner.user.refresh_from_db()
    assert owner.is_owner and owner.is_active
    assert (owner.user.full_name, owner.user.language) == ("Anne Patron", "en")


def test_nobody_can_make_a_second_owner(owner, make_member):
    full = make_member(access=Access.FULL)
    colleague = make_member(permissions=[])

    with pytest.raises(PermissionDenied):
        add_member(actor=owner, email="new@example.com", full_name="New", access=Access.OWNER)
    with pytest.raises(PermissionDenied):
        update_member(actor=owner, member=colleague, access=Access.OWNER)
    with pytest.raises(PermissionDenied):
        update_member(actor=full, member=colleague, access=Access.OWNER)

    assert TeamMember.objects.filter(access=Access.OWNER).count() == 1
    assert not User.objects.filter(email="new@example.com").exists()


# --- adding members ------------------------------------------------------------------


def test_add_member_without_password_cannot_sign_in_yet(owner):
    role = RoleFactory(permissions=[P.VIEW_ORDERS])
    shop_front = LocationFactory()

    member = add_member(
        actor=owner,
        email="Lea@Example.com",
        full_name="Léa",
        access=Access.ROLE,
        role=role,
        locations=[shop_front],
        language="en",
    )

    assert member.user.email == "lea@example.com"
    assert not member.user.has_usable_password()
    assert member.user.language == "en"
    assert (member.all_locations, list(member.locations.all())) == (False, [shop_front])
    assert member.permissions == {P.VIEW_ORDERS}


def test_add_member_reuses_an_existing_account_ignoring_case(owner):
    shopper = UserFactory(email="camille@example.com")

    member = add_member(
        actor=owner,
        email="CAMILLE@example.com",
        full_name="Camille",
        access=Access.FULL,
        password="another-secret-7",
    )

    assert member.user_id == shopper.pk
    assert User.objects.filter(email__iexact="camille@example.com").count() == 1
    shopper.refresh_from_db()
    assert shopper.check_password("another-secret-7")


def test_add_member_refuses_someone_already_on_the_team(owner, make_member):
    existing = make_member(permissions=[])

    with pytest.raises(Conflict):
        add_member(
            actor=owner, email=existing.user.email.upper(), full_name="x", access=Access.FULL
        )

    assert snapshot(existing)[0] == Access.ROLE


def test_deactivated_member_can_be_added_back(owner, make_member):
    former = make_member(permissions=[])
    deactivate_member(actor=owner, member=former)
    assert member_of(User.objects.get(pk=former.user_id)) is None

    back = add_member(actor=owner, email=former.user.email, full_name="", access=Access.FULL)

    assert back.pk == former.pk and back.is_active and back.access == Access.FULL


# --- privilege escalation ------------------------------------------------------------


@pytest.fixture
def team_manager(make_member):
    """A custom-role member who may manage the team and orders, at one location."""
    location = LocationFactory(name="Their shop")
    return make_member(permissions=[P.MANAGE_TEAM, P.MANAGE_ORDERS], locations=[location])


def test_role_member_cannot_grant_full_access(team_manager):
    with pytest.raises(PermissionDenied):
        add_member(
            actor=team_manager,
            email="x@example.com",
            full_name="X",
            access=Access.FULL,
            locations=list(team_manager.locations.all()),
        )

    assert not User.objects.filter(email="x@example.com").exists()


def test_role_member_cannot_grant_a_role_with_permissions_they_lack(team_manager):
    strong = RoleFactory(permissions=[P.MANAGE_ORDERS, P.MANAGE_SETTINGS])
    modest = RoleFactory(permissions=[P.VIEW_ORDERS])
    colleague = TeamMemberFactory(role=modest, locations=list(team_manager.locations.all()))
    before = snapshot(colleague)

    with translation.override("en"), pytest.raises(PermissionDenied, match="Manage settings"):
        add_member(
            actor=team_manager,
            email="x@example.com",
            full_name="X",
            access=Access.ROLE,
            role=strong,
            locations=list(team_manager.locations.all()),
        )
    with pytest.raises(PermissionDenied):
        update_member(actor=team_manager, member=colleague, role=strong)
    with pytest.raises(PermissionDenied):
        update_member(actor=team_manager, member=team_manager, role=strong)  # nor to themselves

    assert snapshot(colleague) == before
    assert not User.objects.filter(email="x@example.com").exists()


def test_role_member_grants_what_they_hold_at_their_own_locations(team_manager):
    modest = RoleFactory(permissions=[P.VIEW_ORDERS])  # implied by their "manage orders"
    theirs = list(team_manager.locations.all())

    member = add_member(
        actor=team_manager,
        email="x@example.com",
        full_name="X",
        access=Access.ROLE,
        role=modest,
        locations=theirs,
    )

    assert member.permissions == {P.VIEW_ORDERS}
    assert list(member.locations.all()) == theirs


def test_location_limited_member_cannot_grant_other_or_all_locations(team_manager):
    modest = RoleFactory(permissions=[P.VIEW_ORDERS])
    elsewhere = LocationFactory(name="Elsewhere")

    with pytest.raises(PermissionDenied):
        add_member(
            actor=team_manager,
            email="x@example.com",
            full_name="X",
            access=Access.ROLE,
            role=modest,
            locations=[elsewhere],
        )
    with pytest.raises(PermissionDenied):
        add_member(
            actor=team_manager,
            email="y@example.com",
            full_name="Y",
            access=Access.ROLE,
            role=modest,
            locations=None,
        )

    assert not User.objects.filter(email__in=["x@example.com", "y@example.com"]).exists()


def test_role_member_cannot_change_or_deactivate_someone_stronger(team_manager, make_member):
    stronger = make_member(
        permissions=[P.MANAGE_TEAM, P.MANAGE_ORDERS, P.MANAGE_SETTINGS],
        locations=list(team_manager.locations.all()),
    )
    full = make_member(access=Access.FULL)
    before = snapshot(stronger), snapshot(full)

    for target in (stronger, full):
        with pytest.raises(PermissionDenied):
            update_member(actor=team_manager, member=target, full_name="Demoted")
        with pytest.raises(PermissionDenied):
            deactivate_member(actor=team_manager, member=target)

    assert (snapshot(stronger), snapshot(full)) == before


def test_member_cannot_deactivate_themselves(make_member):
    full = make_member(access=Access.FULL)

    with pytest.raises(PermissionDenied):
        deactivate_member(actor=full, member=full)

    assert snapshot(full)[2] is True


def test_full_access_member_manages_other_members(make_member):
    full = make_member(access=Access.FULL)
    colleague = make_member(permissions=[P.VIEW_ORDERS])
    location = LocationFactory()

    update_member(actor=full, member=colleague, access=Access.FULL)
    update_member(
        actor=full, member=colleague, access=Access.ROLE, role=RoleFactory(), locations=[location]
    )
    deactivate_member(actor=full, member=colleague)

    colleague.refresh_from_db()
    assert (colleague.access, colleague.all_locations, colleague.is_active) == (
        Access.ROLE,
        False,
        False,
    )


def test_member_without_manage_team_changes_nothing(make_member):
    everything_else = [p for p in Permission if p != P.MANAGE_TEAM]
    member = make_member(permissions=everything_else)
    colleague = make_member(permissions=[])
    before = snapshot(colleague)

    with pytest.raises(PermissionDenied):
        add_member(
            actor=member,
            email="x@example.com",
            full_name="X",
            access=Access.ROLE,
            role=RoleFactory(),
        )
    with pytest.raises(PermissionDenied):
        update_member(actor=member, member=colleague, full_name="Changed")
    with pytest.raises(PermissionDenied):
        deactivate_member(actor=member, member=colleague)
    with pytest.raises(PermissionDenied):
        create_role(actor=member, name="Sneaky", permissions=[])

    assert snapshot(colleague) == before
    assert not Role.objects.filter(name="Sneaky").exists()


# --- roles -----------------------------------------------------------------------------


def test_roles_are_created_updated_and_deleted(owner):
    role = create_role(actor=owner, name="Barista", permissions=[P.MANAGE_ORDERS, P.VIEW_ORDERS])
    assert role.permissions == ["view_orders", "manage_orders"]

    update_role(
        actor=owner, role=role, name="Head barista", permissions=[P.MANAGE_ORDERS, P.MANAGE_CATALOG]
    )
    role.refresh_from_db()
    assert (role.name, role.permissions) == ("Head barista", ["manage_orders", "manage_catalog"])

    delete_role(actor=owner, role=role)
    assert not Role.objects.filter(pk=role.pk).exists()


def test_role_names_are_unique_ignoring_case_and_permissions_must_exist(owner):
    create_role(actor=owner, name="Barista", permissions=[])

    with pytest.raises(InvalidInput) as duplicate:
        create_role(actor=owner, name="barista", permissions=[])
    with pytest.raises(InvalidInput) as unknown:
        create_role(actor=owner, name="Pilot", permissions=["fly_planes"])

    assert "name" in duplicate.value.errors
    assert "permissions" in unknown.value.errors
    assert Role.objects.count() == 1


def test_role_still_in_use_cannot_be_deleted(owner, make_member):
    member = make_member(permissions=[P.VIEW_ORDERS], user__full_name="Zoé Martin")

    with translation.override("en"), pytest.raises(Conflict, match="Zoé Martin") as refused:
        delete_role(actor=owner, role=member.role)

    assert "another role" in str(refused.value.message)
    assert Role.objects.filter(pk=member.role_id).exists()


def test_role_member_cannot_create_or_widen_a_role_beyond_their_own(team_manager):
    theirs = team_manager.role

    with pytest.raises(PermissionDenied):
        create_role(actor=team_manager, name="Boss", permissions=[P.MANAGE_SETTINGS])
    with pytest.raises(PermissionDenied):
        update_role(actor=team_manager, role=theirs, permissions=[P.MANAGE_TEAM, P.MANAGE_SETTINGS])
    with pytest.raises(PermissionDenied):
        delete_role(actor=team_manager, role=RoleFactory(permissions=[P.MANAGE_GIFT_CARDS]))

    assert not Role.objects.filter(name="Boss").exists()
    theirs.refresh_from_db()
    assert set(theirs.permissions) == {P.MANAGE_TEAM, P.MANAGE_ORDERS}
    team_manager.refresh_from_db()
    assert not team_manager.has_permission(P.MANAGE_SETTINGS)
