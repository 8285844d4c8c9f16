"""The Orders page in a real browser: a site order placed while the page is open
appears without a reload, staff accept it and mark it ready, the customer presses
"I'm here" on their status page, and the open Orders page shows the arrival. Then the
late flag: the 25-minute order placed at 10:00 for 10:30 is green, and turns red
without a reload once the page's clock passes 10:05 (the page re-evaluates the flag
with the browser's clock; the server renders the same rule for the first paint)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from comptoir.orders.links import status_path
from comptoir.orders.models import Fulfilment, Order
from comptoir.orders.services import FulfilmentChoice
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from tests.factories import PASSWORD, LocationFactory, TeamMemberFactory
from tests.orders.factories import PICKUP, checkout, stocked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PARIS = ZoneInfo("Europe/Paris")
# The page asks for its rows every 5 seconds: what it shows may take one round more.
LIVE = 15_000


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(20_000)
    yield context
    context.close()


def _sign_in(page, member) -> None:
    page.goto("/dashboard/login/")
    page.fill("input[name=username]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")


def test_a_site_order_appears_live_is_accepted_made_ready_and_the_customer_arrives(
    context, browser, live_server
):
    shop = get_shop()
    shop.published_language = "en"  # the shopper's status page, read in English below
    shop.save(update_fields=["published_language"])
    location = LocationFactory(
        name="Martyrs", fulfilment_types=["pickup", "curbside"], time_zone="Europe/Paris"
    )
    product = stocked(location, stock=None, name_en="Croissant", name_fr="Croissant")
    owner = TeamMemberFactory(access=Access.OWNER, user__language="en")
    orders_page = context.new_page()
    _sign_in(orders_page, owner)
    orders_page.goto("/dashboard/orders/")
    expect(orders_page.get_by_text("No orders match.")).to_be_visible()

    order = checkout(
        location,
        [(product, 2)],
        fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="Blue Clio"),
    )

    row = orders_page.locator(f"#order-{order.pk}")
    expect(row).to_be_visible(timeout=LIVE)  # polled in, no reload
    expect(row).to_have_class(re.compile(r"\bnew\b"))
    expect(orders_page.locator("body")).to_have_attribute(
        "data-last-alert", f"New order: {order.number}"
    )

    detail = context.new_page()
    detail.goto(f"/dashboard/orders/{order.pk}/")
    detail.get_by_role("button", name="Accept").click()
    expect(detail.locator("#order-state")).to_have_text("Reserved")
    detail.get_by_role("button", name="Mark ready").click()
    expect(detail.locator("#order-state")).to_have_text("Prepared")
    expect(row).to_contain_text("Prepared", timeout=LIVE)

    shopper = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    try:
        status = shopper.new_page()
        status.goto(status_path(order))
        status.get_by_role("button", name="I'm here (Blue Clio)").click()
        expect(status.get_by_text("We know you are here")).to_be_visible()
    finally:
        shopper.close()

    arrived = Fulfilment.objects.get(order=order).arrived_at
    hhmm = arrived.astimezone(PARIS).strftime("%H:%M")
    expect(row).to_contain_text(f"Customer arrived at {hhmm}", timeout=LIVE)  # no reload
    expect(orders_page.locator("#arrival-alerts")).to_contain_text(order.number)


def test_the_25_minute_order_turns_red_once_the_clock_passes_ten_past_five(context):
    location = LocationFactory(name="Martyrs", time_zone="Europe/Paris")
    product = stocked(location, stock=None)
    owner = TeamMemberFactory(access=Access.OWNER, user__language="en")
    order = checkout(location, [(product, 1)], fulfilment=PICKUP)
    # Tomorrow, placed at 10:00 for pickup at 10:30 with 25 minutes of preparation.
    day = (datetime.now(PARIS) + timedelta(days=1)).date()
    ten = datetime.combine(day, time(10, 0), tzinfo=PARIS)
    Order.objects.filter(pk=order.pk).update(placed_at=ten)
    Fulfilment.objects.filter(order=order).update(
        placed_at=ten, pickup_at=ten + timedelta(minutes=30), preparation_minutes=25
    )
    page = context.new_page()
    _sign_in(page, owner)
    page.clock.install(time=ten + timedelta(minutes=1))
    page.goto("/dashboard/orders/")

    flag = page.locator(f"#order-{order.pk} .flag")
    expect(flag).to_have_class(re.compile(r"\bon-time\b"))
    # The page's clock reads a little after 10:01 (the server's paint said 10:25).
    reason = page.locator(f"#order-{order.pk} .reason")
    expect(reason).to_have_text(re.compile(r"ready at 10:2[6-9] at the earliest, promised 10:30"))

    page.clock.fast_forward("05:00")  # past 10:06, still not accepted

    expect(flag).to_have_class(re.compile(r"\blate\b"))
    expect(reason).to_have_text(re.compile(r"ready at 10:3\d at the earliest, promised 10:30"))
    expect(page.locator(f"#order-{order.pk}")).to_have_class(re.compile(r"\bawaiting\b"))
