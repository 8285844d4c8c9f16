"""Permission boundaries of the settings, locations and team pages, as a matrix:
anonymous, a member holding every permission but the one needed, a member holding
just that one, a full-access member and the owner. A refused request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.html import escape

from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access, Role, TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User
from tests.factories import LocationFactory, RoleFactory, TeamMemberFactory
from tests.shop.factories import location_form_data, settings_form_data

pytestmark = pytest.mark.django_db
ACTORS = ["anonymous", "without", "with", "full", "owner"]


@dataclass
class Scene:
    location: Location
    colleague: TeamMember
    spare_role: Role


@pytest.fixture
def scene(owner) -> Scene:
    return Scene(
        location=LocationFactory(name="Rive gauche"),
        colleague=TeamMemberFactory(role=RoleFactory(name="Plonge", permissions=[])),
        spare_role=RoleFactory(name="Unused", permissions=[]),
    )


@pytest.fixture
def client_for(owner, make_member, signed_in, client):
    def build(actor: str, permission: Permission):
        if actor == "anonymous":
            return client
        if actor == "owner":
            return signed_in(owner)
        if actor == "full":
            return signed_in(make_member(access=Access.FULL))
        held = [permission] if actor == "with" else [p for p in Permission if p != permission]
        return signed_in(make_member(permissions=held))

    return build


PAGES = [
    ("dashboard:shop_settings", Permission.MANAGE_SETTINGS, None),
    ("dashboard:location_list", Permission.MANAGE_SETTINGS, None),
    ("dashboard:location_create", Permission.MANAGE_SETTINGS, None),
    ("dashboard:location_edit", Permission.MANAGE_SETTINGS, "location"),
    ("dashboard:team_list", Permission.MANAGE_TEAM, None),
    ("dashboard:member_create", Permission.MANAGE_TEAM, None),
    ("dashboard:member_edit", Permission.MANAGE_TEAM, "colleague"),
    ("dashboard:role_list", Permission.MANAGE_TEAM, None),
    ("dashboard:role_create", Permission.MANAGE_TEAM, None),
    ("dashboard:role_edit", Permission.MANAGE_TEAM, "spare_role"),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("url_name", "permission", "target"), PAGES, ids=[p[0].split(":")[1] for p in PAGES]
)
def test_opening_a_page(scene, client_for, actor, url_name, permission, target):
    args = [getattr(scene, target).pk] if target else []

    response = client_for(actor, permission).get(reverse(url_name, args=args))

    expected = {"anonymous": 302, "without": 403}.get(actor, 200)
    assert response.status_code == expected
    if actor == "anonymous":
        assert response["Location"].startswith("/dashboard/login/")
    if actor == "without":
        assert escape(str(permission.label)) in response.content.decode()


@dataclass
class Change:
    url_name: str
    permission: Permission
    target: str | None
    data: Callable[[Scene], dict]
    state: Callable[[Scene], object]  # what the change alters, read back from the database


def _member_state(scene: Scene):
    member = TeamMember.objects.select_related("user").get(pk=scene.colleague.pk)
    return member.user.full_name, member.is_active


CHANGES = [
    Change(
        "dashboard:shop_settings",
        Permission.MANAGE_SETTINGS,
        None,
        lambda s: settings_form_data(get_shop(), name="Chez Nous"),
        lambda s: get_shop().name,
    ),
    Change(
        "dashboard:location_create",
        Permission.MANAGE_SETTINGS,
        None,
        lambda s: location_form_data(name="Nouvelle", slug="nouvelle"),
        lambda s: Location.objects.filter(slug="nouvelle").exists(),
    ),
    Change(
        "dashboard:location_edit",
        Permission.MANAGE_SETTINGS,
        "location",
        lambda s: location_form_data(s.location, name="Rive droite"),
        lambda s: Location.objects.get(pk=s.location.pk).name,
    ),
    Change(
        "dashboard:member_create",
        Permission.MANAGE_TEAM,
        None,
        lambda s: {
            "email": "new@example.com",
            "full_name": "New",
            "access": "role",
            "role": s.spare_role.pk,
            "all_locations": "on",
        },
        lambda s: User.objects.filter(email="new@example.com").exists(),
    ),
    Change(
        "dashboard:member_edit",
        Permission.MANAGE_TEAM,
        "colleague",
        lambda s: {
            "email": s.colleague.user.email,
            "full_name": "Renamed",
            "access": "role",
            "role": s.colleague.role_id,
            "all_locations": "on",
        },
        _member_state,
    ),
    Change(
        "dashboard:member_deactivate",
        Permission.MANAGE_TEAM,
        "colleague",
        lambda s: {},
        _member_state,
    ),
    Change(
        "dashboard:role_create",
        Permission.MANAGE_TEAM,
        None,
        lambda s: {"name": "Runner", "permissions": []},
        lambda s: Role.objects.filter(name="Runner").exists(),
    ),
    Change(
        "dashboard:role_edit",
        Permission.MANAGE_TEAM,
        "spare_role",
        lambda s: {"name": "Renamed role", "permissions": []},
        lambda s: Role.objects.get(pk=s.spare_role.pk).name,
    ),
    Change(
        "dashboard:role_delete",
        Permission.MANAGE_TEAM,
        "spare_role",
        lambda s: {},
        lambda s: Role.objects.filter(pk=s.spare_role.pk).exists(),
    ),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("change", CHANGES, ids=[c.url_name.split(":")[1] for c in CHANGES])
def test_making_a_change(scene, client_for, actor, change):
    args = [getattr(scene, change.target).pk] if change.target else []
    client = client_for(actor, change.permission)
    before = change.state(scene)

    response = client.post(reverse(change.url_name, args=args), change.data(scene))

    if actor in ("anonymous", "without"):
        assert response.status_code == (302 if actor == "anonymous" else 403)
        assert change.state(scene) == before
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert change.state(scene) != before


def test_menu_shows_settings_and_team_only_to_those_allowed(make_member, signed_in):
    catalog_only = signed_in(make_member(permissions=[Permission.MANAGE_CATALOG]))
    settings_only = signed_in(make_member(permissions=[Permission.MANAGE_SETTINGS]))

    limited = catalog_only.get(reverse("dashboard:home")).content.decode()
    allowed = settings_only.get(reverse("dashboard:home")).content.decode()

    assert reverse("dashboard:shop_settings") not in limited
    assert reverse("dashboard:team_list") not in limited
    assert reverse("dashboard:my_profile") in limited
    assert reverse("dashboard:shop_settings") in allowed
    assert reverse("dashboard:location_list") in allowed
    assert reverse("dashboard:team_list") not in allowed


def test_role_in_use_shows_why_it_cannot_be_deleted(owner, signed_in, make_member):
    member = make_member(permissions=[Permission.VIEW_ORDERS], user__full_name="Zoé Martin")

    response = signed_in(owner).post(
        reverse("dashboard:role_delete", args=[member.role_id]), follow=True
    )

    assert "Zoé Martin" in response.content.decode()
    assert Role.objects.filter(pk=member.role_id).exists()


def test_role_member_is_refused_full_access_on_the_page(make_member, signed_in):
    manager = make_member(permissions=[Permission.MANAGE_TEAM], user__language="en")

    response = signed_in(manager).post(
        reverse("dashboard:member_create"),
        {
            "email": "boss@example.com",
            "full_name": "Boss",
            "access": "full",
            "all_locations": "on",
        },
    )

    assert response.status_code == 403
    assert "full access" in response.content.decode()
    assert not User.objects.filter(email="boss@example.com").exists()


def test_owner_row_has_no_deactivate_button_and_owner_page_hides_access(
    owner, signed_in, make_member
):
    full = make_member(access=Access.FULL)
    client = signed_in(full)

    listing = client.get(reverse("dashboard:team_list")).content.decode()
    owner_page = client.get(reverse("dashboard:member_edit", args=[owner.pk])).content.decode()

    assert reverse("dashboard:member_deactivate", args=[owner.pk]) not in listing
    assert reverse("dashboard:member_deactivate", args=[full.pk]) not in listing
    assert 'name="access"' not in owner_page
    refused = client.post(
        reverse("dashboard:member_edit", args=[owner.pk]),
        {"email": "taken@example.com", "full_name": "x"},
    )
    assert refused.status_code == 403
    owner.user.refresh_from_db()
    assert owner.user.email == "owner@example.com"


def test_team_list_queries_do_not_grow_with_members(owner, signed_in, count_queries):
    client = signed_in(owner)
    location = LocationFactory()
    TeamMemberFactory.create_batch(2, permissions=[Permission.VIEW_ORDERS], locations=[location])
    client.get(reverse("dashboard:team_list"))

    with count_queries() as few:
        client.get(reverse("dashboard:team_list"))
    TeamMemberFactory.create_batch(5, permissions=[Permission.VIEW_ORDERS], locations=[location])
    with count_queries() as many:
        client.get(reverse("dashboard:team_list"))

    assert many.count == few.count
    assert many.count <= 8


def test_editing_someone_keeps_the_signed_in_members_own_menu(owner, signed_in, make_member):
    catalog_only = make_member(permissions=[Permission.MANAGE_CATALOG])

    page = signed_in(owner).get(reverse("dashboard:member_edit", args=[catalog_only.pk]))

    # The owner's menu (with Team and Settings), not the edited member's.
    menu = page.context["menu"]
    assert reverse("dashboard:team_list") in {item["url"] for item in menu}
    assert reverse("dashboard:shop_settings") in page.content.decode()
    assert reverse("dashboard:logout") in page.content.decode()
