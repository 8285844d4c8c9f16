"""Staff run the shop from their phones, and customers order from theirs: the storefront
and the dashboard shells must fit a 375 px wide screen without scrolling sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.dashboard.urls import MENU
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import (
    PASSWORD,
    AvailabilityFactory,
    CategoryFactory,
    LocationFactory,
    ProductFactory,
    TeamMemberFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Elements reaching past the right edge of the viewport, to say what overflows.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const culprits = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits};
}"""


def assert_no_horizontal_scroll(page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["innerWidth"], (
        f"{page.url} scrolls sideways at {found['innerWidth']} px: content is "
        f"{found['scrollWidth']} px wide; widest elements: {found['culprits']}"
    )


def sign_in(page, email: str) -> None:
    response = page.goto("/dashboard/login/")
    assert response is not None and response.ok, f"sign-in page: {response and response.status}"
    assert_no_horizontal_scroll(page)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")


def test_storefront_home_fits_a_phone_screen(phone):
    location = LocationFactory(name="Boulangerie du Canal")
    category = CategoryFactory(name_fr="Viennoiseries", name_en="Pastries")
    for name in ("Croissant au beurre AOP Charentes-Poitou", "Pain au chocolat", "Chausson"):
        product = ProductFactory(category=category, name_fr=name, name_en=name, price=125)
        AvailabilityFactory(product=product, location=location)

    response = phone.goto("/")

    assert response is not None and response.ok, f"GET / answered {response and response.status}"
    assert phone.locator("h1").is_visible()
    assert phone.get_by_text("Pain au chocolat").first.is_visible()
    assert_no_horizontal_scroll(phone)


@pytest.mark.parametrize(
    ("who", "allowed", "refused"),
    [
        ("owner", ["dashboard:home", "dashboard:product_list", "dashboard:team_list"], []),
        ("catalog member", ["dashboard:home", "dashboard:product_list"], ["dashboard:team_list"]),
    ],
)
def test_dashboard_fits_a_phone_screen_and_its_menu_shows_what_the_member_may_open(
    phone, who, allowed, refused
):
    if who == "owner":
        member = TeamMemberFactory(access=Access.OWNER, user__email="owner@example.com")
    else:
        member = TeamMemberFactory(
            permissions=[Permission.MANAGE_CATALOG], user__email="barista@example.com"
        )
    expected = {
        reverse(entry.url_name)
        for entry in MENU
        if entry.permission is None or member.has_permission(entry.permission)
    }

    sign_in(phone, member.user.email)
    assert_no_horizontal_scroll(phone)

    menu_links = phone.locator("details.menu nav a")
    assert not menu_links.first.is_visible(), "the phone menu should start closed"
    phone.click("details.menu summary")
    assert menu_links.first.is_visible()
    shown = {link.get_attribute("href") for link in menu_links.all() if link.is_visible()}
    assert shown == expected
    assert {reverse(name) for name in allowed} <= shown
    assert not {reverse(name) for name in refused} & shown
    assert_no_horizontal_scroll(phone)
