"""The dashboard's Orders page and an order's page, over HTTP: filters, search,
location scoping, a constant query count, the late flag, and the staff actions (accept
sends the tickets to the stations, a stale version shows the conflict, refusals change
nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comptoir.alerts.models import StaffAlertSettings
from comptoir.alerts.notifications import remind_not_accepted
from comptoir.orders.arrival import record_arrival
from comptoir.orders.fulfilment import accept_table_order
from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderEvent, OrderSource
from comptoir.orders.services import Contact, FulfilmentChoice, place_donation
from comptoir.partners.models import Partner, PartnerOrder
from comptoir.stations.models import Ticket
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.factories import LocationFactory
from tests.orders.factories import PICKUP, checkout, paid, stocked
from tests.stations.factories import cafe

pytestmark = pytest.mark.django_db

LIST = reverse("dashboard:order_list")


@pytest.fixture
def staff_client(staff_client):
    """The shared fixture, in English (assertions read the English texts)."""

    def build(*permissions, **kwargs):
        return staff_client(*permissions, user__language="en", **kwargs)

    return build


def _order(location, *, fulfilment=PICKUP, first="Camille", last="Martin", **kwargs) -> Order:
    product = stocked(location, stock=None)
    contact = Contact(
        email=kwargs.pop("email", f"{first.lower()}@example.com"),
        first_name=first,
        last_name=last,
        phone=kwargs.pop("phone", ""),
    )
    return checkout(location, [(product, 1)], fulfilment=fulfilment, contact=contact, **kwargs)


def _numbers(response) -> list[str]:
    return [row["order"].number for row in response.context["rows"]]


def test_the_list_shows_the_orders_of_the_members_locations_newest_first(staff_client):
    here, elsewhere = LocationFactory(), LocationFactory()
    first, second = _order(here), _order(here)
    hidden = _order(elsewhere)
    client = staff_client(Permission.VIEW_ORDERS, locations=[here])

    response = client.get(LIST)

    assert response.status_code == 200
    assert _numbers(response) == [second.number, first.number]
    assert hidden.number not in response.content.decode()


def test_the_location_switcher_narrows_to_one_location(staff_client):
    here, there = LocationFactory(), LocationFactory()
    at_here, at_there = _order(here), _order(there)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    assert _numbers(client.get(LIST, {"location": there.pk})) == [at_there.number]
    assert set(_numbers(client.get(LIST))) == {at_here.number, at_there.number}


def test_a_limited_member_cannot_switch_to_another_location(staff_client):
    here, there = LocationFactory(), LocationFactory()
    mine = _order(here)
    _order(there)
    client = staff_client(Permission.VIEW_ORDERS, locations=[here])

    assert _numbers(client.get(LIST, {"location": there.pk})) == [mine.number]


def test_filters_by_fulfilment_type_state_source_and_date(staff_client):
    location = LocationFactory(fulfilment_types=["pickup", "curbside", "table"])
    pickup = _order(location)
    curbside = _order(
        location, fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="Blue Clio")
    )
    table = _order(location, fulfilment=FulfilmentChoice(type="table", table_label="T4"))
    Order.objects.filter(pk=table.pk).update(source="table")
    owner = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)
    owner.post(
        reverse("dashboard:order_action", args=[pickup.pk]),
        {"action": "accept", "version": pickup.version},
    )

    assert _numbers(owner.get(LIST, {"kind": "curbside"})) == [curbside.number]
    assert _numbers(owner.get(LIST, {"kind": "pickup"})) == [pickup.number]
    assert _numbers(owner.get(LIST, {"kind": "table"})) == [table.number]
    assert _numbers(owner.get(LIST, {"state": "reserved"})) == [pickup.number]
    assert _numbers(owner.get(LIST, {"source": "table"})) == [table.number]
    assert set(_numbers(owner.get(LIST, {"source": "site"}))) == {pickup.number, curbside.number}
    today = timezone.localdate()
    assert len(_numbers(owner.get(LIST, {"day": today.isoformat()}))) == 3
    yesterday = today - timedelta(days=1)
    assert _numbers(owner.get(LIST, {"day": yesterday.isoformat()})) == []


@pytest.mark.parametrize(
    "search", ["number", "Dupont", "lea dupont", "lea@example.com", "06 12 34 56 78"]
)
def test_search_by_number_name_email_or_phone(staff_client, search):
    location = LocationFactory()
    wanted = _order(
        location, first="Léa", last="Dupont", email="lea@example.com", phone="+33612345678"
    )
    _order(location, first="Camille", last="Martin", phone="+33687654321")
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    query = wanted.number if search == "number" else search
    if search == "lea dupont":
        query = "Léa Dupont"
    assert _numbers(client.get(LIST, {"q": query})) == [wanted.number]


def test_the_list_reads_a_constant_number_of_queries(staff_client, count_queries):
    location = LocationFactory()
    client = staff_client(Permission.VIEW_ORDERS, locations=[location])
    _order(location)
    client.get(LIST)  # warm the session and caches
    with count_queries() as few:
        client.get(LIST)
    for _ in range(6):
        _order(location, fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="Van"))
    record_arrival(order_id=Order.objects.latest("id").pk)
    with count_queries() as many:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 7
    assert many.count == few.count
    with count_queries() as live:
        client.get(LIST, headers={"HX-Request": "true"})
    assert live.count == few.count


def test_the_reminder_of_orders_not_accepted_costs_the_same_queries_however_many(
    staff_client, count_queries
):
    location, other = LocationFactory(), LocationFactory()
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)
    _order(location)
    Fulfilment.objects.update(placed_at=timezone.now() - timedelta(minutes=10))
    client.get(LIST)
    with count_queries() as few:
        first = client.get(LIST)
    for place in (location, other, other):
        _order(place)
    Fulfilment.objects.update(placed_at=timezone.now() - timedelta(minutes=10))
    with count_queries() as many:
        response = client.get(LIST)

    assert len(first.context["awaiting"]) == 1
    assert len(response.context["awaiting"]) == 4  # both locations, oldest first
    assert many.count == few.count


def test_the_live_partial_is_the_list_without_the_page(staff_client):
    location = LocationFactory()
    order = _order(location)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    partial = client.get(LIST, headers={"HX-Request": "true"}).content.decode()

    assert order.number in partial
    assert 'id="orders-live"' in partial
    assert "<html" not in partial


def test_rows_carry_the_late_flag_with_its_reason(staff_client):
    location = LocationFactory(time_zone="Europe/Paris")
    late = _order(location)
    # A promise the kitchen cannot keep: pickup in 10 minutes, not accepted yet.
    Fulfilment.objects.filter(order=late).update(
        pickup_at=timezone.now() + timedelta(minutes=10), preparation_minutes=20
    )
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    response = client.get(LIST)
    row = next(r for r in response.context["rows"] if r["order"].pk == late.pk)

    assert row["risk"].is_late is True
    assert "ready at" in row["risk"].reason and "promised" in row["risk"].reason
    assert row["risk"].reason in response.content.decode()
    assert 'class="flag late"' in response.content.decode()


def test_orders_not_accepted_within_five_minutes_are_highlighted(staff_client):
    location = LocationFactory()
    old = _order(location)
    Order.objects.filter(pk=old.pk).update(placed_at=timezone.now() - timedelta(minutes=6))
    Fulfilment.objects.filter(order=old).update(placed_at=timezone.now() - timedelta(minutes=6))
    fresh = _order(location)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    response = client.get(LIST)

    assert [row["order"].pk for row in response.context["awaiting"]] == [old.pk]
    html = response.content.decode()
    assert f'id="order-{old.pk}" class="order-row awaiting' in html
    assert f'id="order-{fresh.pk}" class="order-row"' in html


def test_partner_orders_show_the_partner_and_the_unknown_item_flag(staff_client):
    location = LocationFactory()
    order = _order(location)
    Order.objects.filter(pk=order.pk).update(source="partner")
    partner = Partner.objects.create(
        name="Deliveroo", slug="deliveroo", secret="s", location=location
    )
    PartnerOrder.objects.create(
        order=order, partner=partner, external_id="X1", unknown_items=["2 x Mystery"]
    )
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    html = client.get(LIST, {"source": f"partner:{partner.pk}"}).content.decode()

    assert order.number in html and "Deliveroo" in html and "unknown item" in html


# --- the order's page and its actions ---------------------------------------------------


def _detail(order):
    return reverse("dashboard:order_detail", args=[order.pk])


def _action(order):
    return reverse("dashboard:order_action", args=[order.pk])


def test_the_order_page_shows_lines_customer_payment_fulfilment_and_timeline(staff_client):
    location = LocationFactory()
    order = _order(
        location, fulfilment=FulfilmentChoice(type="pickup", curbside=True, vehicle="Blue Clio")
    )
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)
    client.post(_action(order), {"action": "accept", "version": 1, "preparation_minutes": "30"})

    html = client.get(_detail(order)).content.decode()

    assert order.lines.get().name in html
    assert reverse("dashboard:customer_detail", args=[order.customer_id]) in html
    assert "4242" in html  # the card's last digits
    assert "Blue Clio" in html
    assert "Placed" in html and "Accepted (preparation 30 min)" in html
    assert 'name="version" value="2"' in html
    assert 'value="ready"' in html and 'value="accept"' not in html
    assert reverse("dashboard:order_remove_items", args=[order.pk]) in html


def test_accepting_sends_one_ticket_per_station(staff_client):
    shop = cafe()
    order = checkout(shop.location, [(shop.croissant, 1), (shop.espresso, 2)], fulfilment=PICKUP)
    client = staff_client(Permission.MANAGE_ORDERS, locations=[shop.location])

    response = client.post(_action(order), {"action": "accept", "version": order.version})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.fulfilment.state == FulfilmentState.RESERVED
    assert set(Ticket.objects.filter(order=order).values_list("station_id", flat=True)) == {
        shop.kitchen.pk,
        shop.bar.pk,
    }


def test_ready_complete_cancel_and_fail_move_the_order(staff_client):
    location = LocationFactory()
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)
    order = _order(location)
    for step, state in (("accept", "reserved"), ("ready", "prepared"), ("complete", "completed")):
        order.refresh_from_db()
        client.post(_action(order), {"action": step, "version": order.version})
        order.fulfilment.refresh_from_db()
        assert order.fulfilment.state == state
    cancelled, failed = _order(location), _order(location)
    client.post(_action(cancelled), {"action": "cancel", "version": 1, "reason": "Out of flour"})
    client.post(_action(failed), {"action": "fail", "version": 1})
    cancelled.fulfilment.refresh_from_db()
    failed.fulfilment.refresh_from_db()
    assert (cancelled.fulfilment.state, cancelled.fulfilment.cancel_reason) == (
        "cancelled",
        "Out of flour",
    )
    assert failed.fulfilment.state == "failed"


def test_a_stale_version_shows_the_conflict_and_the_fresh_state(staff_client):
    location = LocationFactory()
    order = _order(location)
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)
    client.post(_action(order), {"action": "accept", "version": 1})

    response = client.post(_action(order), {"action": "cancel", "version": 1, "reason": "Closed"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this order while you were looking at it" in html
    assert 'name="version" value="2"' in html
    order.fulfilment.refresh_from_db()
    assert order.fulfilment.state == FulfilmentState.RESERVED


def test_an_illegal_transition_is_refused_with_its_message(staff_client):
    order = _order(LocationFactory())
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)

    response = client.post(_action(order), {"action": "complete", "version": 1})

    assert response.status_code == 409
    assert "cannot become completed" in response.content.decode()


def test_a_partner_order_has_no_cancel_button(staff_client):
    location = LocationFactory()
    order = _order(location)
    Order.objects.filter(pk=order.pk).update(source="partner")
    partner = Partner.objects.create(name="Uber Eats", slug="uber", secret="s", location=location)
    PartnerOrder.objects.create(order=order, partner=partner, external_id="U1")
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)

    html = client.get(_detail(order)).content.decode()

    assert 'value="accept"' in html and 'value="cancel"' not in html


@pytest.mark.parametrize("who", ["view_only", "other_location"])
def test_actions_are_refused_without_the_permission_or_the_location(staff_client, who):
    shop = cafe()
    order = checkout(shop.location, [(shop.croissant, 1)], fulfilment=PICKUP)
    if who == "view_only":
        client = staff_client(Permission.VIEW_ORDERS, locations=[shop.location])
    else:
        client = staff_client(Permission.MANAGE_ORDERS, locations=[LocationFactory()])

    response = client.post(_action(order), {"action": "accept", "version": 1})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.version == 1
    assert order.fulfilment.state == FulfilmentState.PROPOSED
    assert not Ticket.objects.filter(order=order).exists()
    assert not OrderEvent.objects.filter(order=order).exists()


def test_the_order_page_of_another_location_is_not_found(staff_client):
    order = _order(LocationFactory())
    client = staff_client(Permission.VIEW_ORDERS, locations=[LocationFactory()])

    assert client.get(_detail(order)).status_code == 404


def test_a_view_only_member_sees_no_action_buttons(staff_client):
    order = _order(LocationFactory())
    client = staff_client(Permission.VIEW_ORDERS)

    html = client.get(_detail(order)).content.decode()

    assert order.number in html
    assert 'name="action"' not in html


# --- the member's own alerts ---------------------------------------------------------------


def test_both_alerts_are_on_by_default_and_each_member_turns_them_off_for_themselves(
    staff_client,
):
    me = staff_client(Permission.VIEW_ORDERS)
    colleague = staff_client(Permission.VIEW_ORDERS)
    html = me.get(LIST).content.decode()
    assert 'data-alert-new-orders="1" data-alert-arrivals="1"' in html

    response = me.post(reverse("dashboard:order_alert_settings"), {"curbside_arrivals": "on"})

    assert response.status_code == 302
    assert 'data-alert-new-orders="0" data-alert-arrivals="1"' in me.get(LIST).content.decode()
    assert 'data-alert-new-orders="1" data-alert-arrivals="1"' in (
        colleague.get(LIST).content.decode()
    )
    assert StaffAlertSettings.objects.get(member=me.member).new_orders is False


def test_a_donation_is_listed_and_its_page_offers_no_action(staff_client):
    location = LocationFactory()
    donation = place_donation(
        idempotency_key="gift-1",
        location=location,
        amount=500,
        note="For the school",
        contact=Contact(email="donor@example.com"),
        payment=paid(500),
        language="fr",
    )
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)

    assert donation.number in client.get(LIST).content.decode()
    html = client.get(_detail(donation)).content.decode()
    assert "For the school" in html
    assert 'name="action"' not in html


# --- the page at scale: constant queries, cells written once, the reminder's order ------


def _partner_order(location, external_id: str, *, unknown: list[str] | None = None) -> Order:
    order = _order(location)
    Order.objects.filter(pk=order.pk).update(source="partner")
    partner = Partner.objects.filter(location=location).first() or Partner.objects.create(
        name="Deliveroo", slug=f"deliveroo-{location.pk}", secret="s", location=location
    )
    PartnerOrder.objects.create(
        order=order, partner=partner, external_id=external_id, unknown_items=unknown or []
    )
    return order


def test_the_list_reads_the_same_queries_with_partner_table_and_waiting_orders(
    staff_client, count_queries
):
    location = LocationFactory()
    other = LocationFactory(fulfilment_types=["pickup", "table"])
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)
    _order(location)
    client.get(LIST)
    with count_queries() as few:
        client.get(LIST)
    for number in range(3):
        _partner_order(location, f"P{number}", unknown=["1 x Mystery"] if number else None)
        _order(other, fulfilment=FulfilmentChoice(type="table", table_label=f"T{number}"))
    Fulfilment.objects.update(placed_at=timezone.now() - timedelta(minutes=10))
    with count_queries() as many:
        response = client.get(LIST)
    with count_queries() as live:
        client.get(LIST, headers={"HX-Request": "true"})

    assert len(response.context["rows"]) == 7 and len(response.context["awaiting"]) == 7
    assert many.count == few.count == live.count
    html = response.content.decode()
    assert html.count("Deliveroo") >= 3 and html.count('class="badge failed"') == 2
    assert "Table · T2" in html


def test_a_row_shows_its_time_in_the_locations_zone_its_total_and_its_links(staff_client):
    location = LocationFactory(time_zone="America/Montreal")
    with time_machine.travel(datetime(2026, 3, 10, 15, 5, tzinfo=UTC), tick=False):
        order = _order(
            location, first="Zoé", last="O'Neil", email="zoe@example.com", phone="0612345678"
        )
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    html = client.get(LIST).content.decode()
    row = html[html.index(f'id="order-{order.pk}"') :]
    row = row[: row.index("</tr>")]

    assert "10 Mar 11:05" in row  # 15:05 UTC, in Montreal (daylight saving time)
    assert f'href="{_detail(order)}"' in row
    assert "Zoé O&#x27;Neil" in row and "612345678" in row  # the phone as stored
    assert "€" in row and 'data-zone="America/Montreal"' in row
    assert 'data-state="proposed"' in row and 'data-prep="' in row


def test_the_reminder_lists_the_oldest_waiting_orders_first_and_at_most_twenty(staff_client):
    location, other = LocationFactory(), LocationFactory()
    orders = [_order(location if n % 2 else other) for n in range(22)]
    start = timezone.now() - timedelta(hours=1)
    for minutes, order in enumerate(reversed(orders)):  # the newest placed the earliest
        placed = start + timedelta(minutes=minutes)
        Order.objects.filter(pk=order.pk).update(placed_at=placed)
        Fulfilment.objects.filter(order=order).update(placed_at=placed)
    accepted = orders[-1]  # the oldest, accepted: no longer waiting
    Fulfilment.objects.filter(order=accepted).update(state=FulfilmentState.RESERVED)
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    waiting = client.get(LIST).context["awaiting"]
    mine_only = client.get(LIST, {"location": location.pk}).context["awaiting"]

    assert [row["order"].pk for row in waiting] == [o.pk for o in reversed(orders[1:-1])]
    assert all(row["order"].location_id == location.pk for row in mine_only)
    assert len(mine_only) == 10


def test_the_filters_show_what_was_chosen(staff_client):
    location = LocationFactory(name="Martyrs")
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    html = client.get(
        LIST, {"location": location.pk, "kind": "curbside", "state": "active", "q": "Léa"}
    ).content.decode()

    assert f'<option value="{location.pk}" selected>Martyrs</option>' in html
    assert '<option value="curbside" selected>Curbside pickup</option>' in html
    assert '<option value="active" selected>' in html and '<option value="" selected>' in html
    assert '<label for="id_kind">Fulfilment:</label>' in html
    assert 'name="q" value="Léa"' in html and 'aria-describedby="id_q_helptext"' in html


def test_the_order_page_labels_an_automatic_acceptance_and_the_staff_reminder(
    staff_client, make_member
):
    location = LocationFactory(fulfilment_types=["pickup", "table"])
    make_member(permissions=[Permission.VIEW_ORDERS], locations=[location])
    table_order = _order(
        location,
        fulfilment=FulfilmentChoice(type="table", table_label="4"),
        source=OrderSource.TABLE,
    )
    assert accept_table_order(order_id=table_order.pk) is True
    waiting = _order(location)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert remind_not_accepted(waiting.pk).status.startswith("sent")
    client = staff_client(Permission.VIEW_ORDERS, access=Access.FULL)

    table_html = client.get(_detail(table_order)).content.decode()
    waiting_html = client.get(_detail(waiting)).content.decode()

    timeline = table_html[table_html.index('class="timeline"') :]
    assert "Accepted automatically" in timeline and " · " not in timeline  # no one did it
    assert "Staff reminded: not accepted yet" in waiting_html


def test_an_order_accepted_cancelled_or_failed_leaves_the_reminder(staff_client):
    location = LocationFactory()
    client = staff_client(Permission.MANAGE_ORDERS, access=Access.FULL)
    accepted, cancelled, failed, waiting = (_order(location) for _ in range(4))
    Fulfilment.objects.update(placed_at=timezone.now() - timedelta(minutes=10))
    assert len(client.get(LIST).context["awaiting"]) == 4

    client.post(_action(accepted), {"action": "accept", "version": 1})
    client.post(_action(cancelled), {"action": "cancel", "version": 1, "reason": "Closed"})
    client.post(_action(failed), {"action": "fail", "version": 1})

    assert [row["order"].pk for row in client.get(LIST).context["awaiting"]] == [waiting.pk]
