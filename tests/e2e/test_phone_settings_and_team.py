"""The settings, locations, team and profile pages fit a 375 px wide phone screen, and
an owner can change the theme from a phone and see it on the storefront."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from comptoir.shop.services import set_opening_hours
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.e2e.test_phone_shells import assert_no_horizontal_scroll, sign_in
from tests.factories import LocationFactory, RoleFactory, TeamMemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_settings_locations_and_team_pages_fit_a_phone_screen(phone):
    owner = TeamMemberFactory(access=Access.OWNER, user__email="owner@example.com")
    location = LocationFactory(name="Boulangerie du Canal Saint-Martin")
    set_opening_hours(
        actor=owner, location=location, spans=[(0, "07:00", "13:00"), (0, "15:00", "19:30")]
    )
    TeamMemberFactory(
        permissions=[Permission.MANAGE_ORDERS, Permission.MANAGE_CATALOG],
        user__email="barista.with.a.long.address@example.com",
        locations=[location],
    )
    RoleFactory(name="Barista", permissions=list(Permission)[:5])
    sign_in(phone, owner.user.email)

    pages = [
        reverse("dashboard:shop_settings"),
        reverse("dashboard:location_list"),
        reverse("dashboard:location_create"),
        reverse("dashboard:location_edit", args=[location.pk]),
        reverse("dashboard:team_list"),
        reverse("dashboard:member_create"),
        reverse("dashboard:role_list"),
        reverse("dashboard:role_create"),
        reverse("dashboard:my_profile"),
    ]
    for url in pages:
        response = phone.goto(url)
        assert response is not None and response.ok, (
            f"{url} answered {response and response.status}"
        )
        assert_no_horizontal_scroll(phone)
        if shots := os.environ.get("COMPTOIR_E2E_SHOTS"):
            name = url.strip("/").replace("/", "_") or "home"
            phone.screenshot(path=f"{shots}/{name}.png", full_page=True)


def test_owner_changes_the_theme_from_a_phone(phone):
    owner = TeamMemberFactory(access=Access.OWNER, user__email="owner@example.com")
    sign_in(phone, owner.user.email)

    phone.goto(reverse("dashboard:shop_settings"))
    phone.fill("input[name=name]", "Chez Lune")
    phone.fill("input[name=primary_colour]", "#aa2233")
    phone.select_option("select[name=button_shape]", "pill")
    phone.click("form.stack button[type=submit]")
    phone.wait_for_url("**/dashboard/settings/")

    phone.goto("/")
    assert "--primary:#aa2233" in phone.content()
    assert "--button-radius:999px" in phone.content()
    assert "Chez Lune" in phone.title()
