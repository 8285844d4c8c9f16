"""The reads every request makes (the session, the shop, the signed-in member with
their role, the shopper's customer record) have their SQL compiled once per process
(``comptoir.compiled_read``): the rows are still read on every request, so a change
made elsewhere (another worker, the owner's page) counts on the very next request."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from comptoir.compiled_read import CompiledRead
from comptoir.shop.models import Shop
from comptoir.team.access import can_access_location, member_of, visible_location_ids
from comptoir.team.models import Role, TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def test_a_member_whose_permission_is_removed_is_refused_on_the_next_request(
    make_member, signed_in
):
    member = make_member(permissions=[Permission.VIEW_ORDERS], user__language="en")
    client = signed_in(member)
    assert client.get(reverse("dashboard:order_list")).status_code == 200

    # As another process would: an UPDATE, no object of this process touched.
    Role.objects.filter(pk=member.role_id).update(permissions=[])

    assert client.get(reverse("dashboard:order_list")).status_code == 403


def test_a_deactivated_member_is_refused_on_the_next_request(make_member, signed_in):
    member = make_member(permissions=[Permission.VIEW_ORDERS], user__language="en")
    client = signed_in(member)
    assert client.get(reverse("dashboard:order_list")).status_code == 200

    TeamMember.objects.filter(pk=member.pk).update(is_active=False)

    response = client.get(reverse("dashboard:order_list"))
    assert response.status_code == 403
    assert "no access to the dashboard" in response.content.decode()


def test_the_shop_changed_by_another_process_shows_on_the_next_request(client, owner):
    client.get(reverse("storefront:home"))
    Shop.objects.filter(pk=Shop.SINGLETON_PK).update(name="Chez Nouveau Nom")

    assert "Chez Nouveau Nom" in client.get(reverse("storefront:home")).content.decode()


def test_the_member_read_carries_the_role_and_its_permissions(make_member):
    member = make_member(permissions=[Permission.VIEW_ORDERS, Permission.MANAGE_ORDERS])

    found = member_of(member.user)

    assert found == member
    assert found is not None and found.role is not None
    assert found.role.permissions == [Permission.VIEW_ORDERS, Permission.MANAGE_ORDERS]
    assert found.has_permission(Permission.MANAGE_ORDERS)


def test_a_compiled_read_answers_none_without_a_row_and_each_value_its_own_row(make_member):
    first, second = make_member(), make_member()
    read = CompiledRead(lambda user_id: TeamMember.objects.filter(user_id=user_id))

    assert read.first(first.user_id) == first
    assert read.first(second.user_id) == second
    assert read.first(-1) is None


def test_a_compiled_read_refuses_a_parameter_used_twice():
    read = CompiledRead(lambda key: TeamMember.objects.filter(user_id=key, role_id=key))

    with pytest.raises(ValueError):
        read.first(1)


def test_a_session_ended_elsewhere_or_expired_is_refused_on_the_next_request(
    make_member, signed_in
):
    member = make_member(permissions=[Permission.VIEW_ORDERS], user__language="en")
    client = signed_in(member)
    page = reverse("dashboard:order_list")
    assert client.get(page).status_code == 200
    key = client.session.session_key

    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    assert client.get(page).status_code == 302  # to the sign-in page

    client = signed_in(member)
    assert client.get(page).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).delete()
    assert client.get(page).status_code == 302


def test_a_limited_members_locations_are_read_once_per_request_and_again_on_the_next(
    make_member, django_assert_num_queries
):
    here, there = LocationFactory(), LocationFactory()
    member = make_member(permissions=[Permission.VIEW_ORDERS], locations=[here])
    user = User.objects.get(pk=member.user_id)

    found = member_of(user)
    assert found is not None
    with django_assert_num_queries(0):
        assert visible_location_ids(found) == {here.pk}
        assert can_access_location(found, here) and not can_access_location(found, there)

    # Changed by another process: the next request's read sees it.
    TeamMember.objects.get(pk=member.pk).locations.set([there])
    next_request = member_of(User.objects.get(pk=member.user_id))
    assert next_request is not None and visible_location_ids(next_request) == {there.pk}


def test_locations_changed_through_the_members_own_object_are_seen_at_once(make_member):
    here, there = LocationFactory(), LocationFactory()
    member = make_member(permissions=[Permission.VIEW_ORDERS], locations=[here])
    found = member_of(User.objects.get(pk=member.user_id))
    assert found is not None and visible_location_ids(found) == {here.pk}

    found.locations.add(there)

    assert visible_location_ids(found) == {here.pk, there.pk}
