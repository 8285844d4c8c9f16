"""The Orders page's quick paths write and read what the plain ones did: the rows'
markup written at once (``listed_rows``) is ``row_html(order_row(...))`` for every kind
of row, in both languages; the reminder read without its cut-off in the statement lists
what ``orders_awaiting_acceptance`` lists; the plain page's count is the queryset's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.orders import dashboard_selectors as pages
from comptoir.orders.arrival import record_arrival
from comptoir.orders.late_risk import orders_awaiting_acceptance
from comptoir.orders.models import Fulfilment, FulfilmentState, Order
from comptoir.orders.services import Contact, FulfilmentChoice, place_donation
from comptoir.partners.models import Partner, PartnerOrder
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, paid, stocked

pytestmark = pytest.mark.django_db

LIST = reverse("dashboard:order_list")


def _order(location, *, fulfilment=PICKUP, first="Camille", last="Martin <&>") -> Order:
    product = stocked(location, stock=None)
    contact = Contact(
        email=f"{first.lower()}@example.com", first_name=first, last_name=last, phone=""
    )
    return checkout(location, [(product, 1)], fulfilment=fulfilment, contact=contact)


def _every_kind_of_row(location) -> None:
    _order(location)
    late = _order(location, first="Lea")
    Fulfilment.objects.filter(order=late).update(
        pickup_at=timezone.now() + timedelta(minutes=10), preparation_minutes=20
    )
    waiting = _order(location, first="Old")
    Order.objects.filter(pk=waiting.pk).update(placed_at=timezone.now() - timedelta(minutes=30))
    Fulfilment.objects.filter(order=waiting).update(
        placed_at=timezone.now() - timedelta(minutes=30)
    )
    reserved = _order(location, first="Kept")
    Fulfilment.objects.filter(order=reserved).update(
        state=FulfilmentState.RESERVED, accepted_at=timezone.now()
    )
    _order(location, fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="Van"))
    record_arrival(order_id=Order.objects.latest("id").pk)
    partnered = _order(location, first="Partner")
    Order.objects.filter(pk=partnered.pk).update(source="partner")
    partner = Partner.objects.create(
        name="Deliveroo & <co>", slug="deliveroo", secret="s", location=location
    )
    PartnerOrder.objects.create(
        order=partnered, partner=partner, external_id="X1", unknown_items=["1 x Mystery"]
    )
    place_donation(
        idempotency_key="gift-1",
        location=location,
        amount=500,
        note="For the school",
        contact=Contact(email="donor@example.com"),
        payment=paid(500),
        language="fr",
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_rows_written_at_once_are_the_rows_written_one_by_one(owner, language):
    from comptoir.dashboard.views.order_rows import RowCells, listed_rows, order_row, row_html

    location = LocationFactory(time_zone="Europe/Paris", name="Lyon <Part-Dieu>")
    _every_kind_of_row(location)
    now = timezone.now()
    with translation.override(language):
        cells = RowCells([location])
        listed = cells.attach_locations(
            pages.listed_orders(
                pages.listed_values(pages.orders_for_page(owner, pages.OrderFilters()))
            )
        )
        rows, written = listed_rows(listed, now, cells)
        one_by_one = "".join(row_html(order_row(order, now, cells), cells) for order in listed)

    assert len(listed) == 7
    assert written == one_by_one
    assert [row["order"] for row in rows] == listed
    assert "awaiting" in written and "arrived" in written and 'class="badge failed"' in written
    assert "&lt;Part-Dieu&gt;" in written and "Deliveroo &amp; &lt;co&gt;" in written


def test_the_page_shows_the_rows_and_the_reminder_as_before(staff_client):
    location = LocationFactory()
    _every_kind_of_row(location)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")

    html = client.get(LIST).content.decode()
    live = client.get(LIST, headers={"HX-Request": "true"}).content.decode()

    assert html.count('class="order-row') == live.count('class="order-row') == 7
    waiting = Order.objects.get(first_name="Old")
    assert f'<li><a href="{reverse("dashboard:order_detail", args=[waiting.pk])}">' in live
    assert "placed 30\xa0minutes ago" in live


def test_the_reminder_lists_what_orders_awaiting_acceptance_lists(owner):
    here, there = LocationFactory(), LocationFactory()
    orders = [_order(here if number % 3 else there) for number in range(25)]
    start = timezone.now() - timedelta(hours=2)
    for minutes, order in enumerate(orders):
        placed = start + timedelta(minutes=5 * minutes)  # the newest 3 placed < 5 min ago
        Order.objects.filter(pk=order.pk).update(placed_at=placed)
        Fulfilment.objects.filter(order=order).update(placed_at=placed)
    Fulfilment.objects.filter(order=orders[2]).update(state=FulfilmentState.RESERVED)
    now = timezone.now()

    for location_ids in ([here.pk], [there.pk], [here.pk, there.pk]):
        for moment in (now, now - timedelta(minutes=90), now - timedelta(hours=3)):
            expected = list(orders_awaiting_acceptance(location_ids, now=moment)[:20])
            listed = pages.awaiting_acceptance(owner, location_ids, now=moment)
            assert [order.pk for order in listed] == [order.pk for order in expected]
    assert len(pages.awaiting_acceptance(owner, [here.pk, there.pk])) == 20


def test_the_plain_page_counts_and_reads_what_the_queryset_does(owner, make_member):
    here, there = LocationFactory(), LocationFactory()
    for number in range(5):
        _order(here if number % 2 else there)
    limited = make_member(permissions=[Permission.VIEW_ORDERS], locations=[here])

    for member in (owner, limited):
        for location_id in (None, here.pk, there.pk):
            filters = pages.OrderFilters(location_id=location_id)
            orders = pages.orders_for_page(member, filters)
            assert pages.plain_count(member, filters, limit=4) == min(4, orders.count())
            expected = pages.listed_orders(pages.listed_values(orders)[1:3])
            assert pages.plain_page(member, filters, 1, 3) == expected
            listed, counted = pages.plain_page_counted(member, filters, 1, 3, limit=4)
            assert listed == expected
            assert counted == (min(4, orders.count()) if expected else None)
            assert pages.plain_page_counted(member, filters, 50, 60, limit=4) == ([], None)


def test_a_page_past_the_end_shows_the_last_one(staff_client, count_queries):
    location = LocationFactory()
    for _ in range(3):
        _order(location)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")
    client.get(LIST)
    with count_queries() as first:
        shown = client.get(LIST)
    with count_queries() as past:
        past_end = client.get(LIST, {"page": "7"})

    assert [row["order"] for row in past_end.context["rows"]] == [
        row["order"] for row in shown.context["rows"]
    ]
    assert past_end.context["page"].number == 1
    assert client.get(LIST, {"page": "0"}).context["page"].number == 1
    assert client.get(LIST, {"page": "x" * 30}).context["page"].number == 1
    assert client.get(LIST, {"page": "9" * 40}).status_code == 200
    assert past.count <= first.count + 2


def test_the_filters_written_once_follow_the_language_names_and_query(staff_client):
    location = LocationFactory(name="Lyon")
    english = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")
    french = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="fr")

    assert '<option value="" selected>All</option>' in english.get(LIST).content.decode()
    assert '<option value="" selected>Tous</option>' in french.get(LIST).content.decode()
    location.name = "Lyon Part-Dieu"
    location.save()
    renamed = english.get(LIST, {"location": location.pk}).content.decode()
    assert f'<option value="{location.pk}" selected>Lyon Part-Dieu</option>' in renamed
    invalid = english.get(LIST, {"day": "2026-13-01", "q": "<b>"}).content.decode()
    assert 'id="id_day_error"' in invalid and 'value="&lt;b&gt;"' in invalid
    assert 'id="id_day_error"' not in english.get(LIST).content.decode()


def test_the_alert_form_written_once_follows_the_members_settings(staff_client):
    mine, other = (
        LocationFactory(name="Martyrs"),
        LocationFactory(name="Bastille"),
    )  # listed 2nd, 1st
    client = staff_client(Permission.VIEW_ORDERS, locations=[mine, other], user__language="en")
    settings_page = reverse("dashboard:order_alert_settings")

    before = client.get(LIST).content.decode()
    client.post(settings_page, {"curbside_arrivals": "on", "email_locations": [other.pk]})
    after = client.get(LIST).content.decode()

    assert 'name="new_orders" checked' in before and 'name="new_orders" checked' not in after
    assert f'value="{other.pk}" id="id_email_locations_0" checked' in after
    assert f'value="{other.pk}" id="id_email_locations_0" checked' not in before
    # The page's own CSRF token, in the form as in the rest of the page.
    form = after.split('class="alert-settings-form">', 1)[1]
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert after.count(token) >= 2 and "csrf-stand-in" not in after
    saved = client.post(settings_page, {"new_orders": "on", "csrfmiddlewaretoken": token})
    assert saved.status_code == 302


def test_the_plain_page_reads_its_rows_and_count_in_one_query(staff_client, count_queries):
    location = LocationFactory()
    _order(location)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL, user__language="en")
    client.get(LIST)
    with count_queries() as plain:
        client.get(LIST, {"location": location.pk})
    with count_queries() as live:
        client.get(LIST, {"location": location.pk}, headers={"HX-Request": "true"})
    with count_queries() as filtered:
        client.get(LIST, {"location": location.pk, "state": "active"})

    # Session, user, member, shop, locations, partners, the page with its count, the
    # reminder, the alert settings: the filtered page counts apart.
    assert plain.count == live.count == filtered.count - 1 == 9
