"""The partner webhook at HTTP level: signature, freshness, replays, duplicates,
unknown items, updates and the partner's cancellation."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from comptoir.customers.models import CustomerSpending
from comptoir.customers.selectors import order_totals
from comptoir.orders.models import FulfilmentState, Order, OrderSource, OrderState
from comptoir.partners.models import ClosingReason, PartnerOrder, ProcessedEvent
from comptoir.team.permissions import Permission
from tests.partners.conftest import event, sign

pytestmark = pytest.mark.django_db
URL = "/partners/livreur/webhook/"


def test_a_validly_signed_order_created_event_creates_the_order(partner, burger, post_event):
    response = post_event(partner, event(pickup_at="2030-01-01T12:30:00+01:00", note="Sans oignon"))

    assert response.status_code == 200
    order = Order.objects.get()
    assert response.json() == {"status": "applied", "order": order.number}
    assert order.source == OrderSource.PARTNER
    assert order.location == partner.location
    assert order.customer.email == "ana@example.com"
    assert (order.first_name, order.last_name, order.note) == ("Ana", "Lopez", "Sans oignon")
    assert order.total == order.subtotal == 1900
    assert order.state == OrderState.OPEN
    line = order.lines.get()
    assert (line.product, line.quantity, line.unit_price, line.category_id) == (
        burger,
        2,
        950,
        burger.category_id,
    )
    assert order.fulfilment.state == FulfilmentState.PROPOSED
    assert order.fulfilment.pickup_at.isoformat() == "2030-01-01T11:30:00+00:00"
    assert order.partner_order.external_id == "LV-1001"
    assert not order.partner_order.has_unknown_items
    # Counted on the customer record like any other order.
    assert CustomerSpending.objects.get(customer=order.customer).total_spent == 1900


def test_an_order_without_email_is_matched_to_the_customer_by_phone(partner, burger, post_event):
    post_event(partner, event(customer={"first_name": "Léa", "phone": "+33612345678"}))
    post_event(
        partner,
        event(event_id="evt_2", order_id="LV-1002", customer={"phone": "06 12 34 56 78"}),
    )

    first, second = Order.objects.order_by("pk")
    assert first.customer_id == second.customer_id
    assert first.customer.phone == "+33612345678"


def test_a_bad_signature_is_refused_with_401_and_changes_nothing(partner, burger, post_event):
    response = post_event(partner, event(), secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not Order.objects.exists()
    assert not ProcessedEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(partner, burger):
    ts = str(int(time.time()))
    body = json.dumps(event()).encode()
    good = sign(partner.secret, ts, f"http://testserver{URL}", body)

    response = Client().post(
        URL,
        data=body.replace(b'"quantity": 2', b'"quantity": 9'),
        content_type="application/json",
        headers={"X-Comptoir-Timestamp": ts, "X-Comptoir-Signature": good},
    )

    assert response.status_code == 401
    assert not Order.objects.exists()


@pytest.mark.parametrize("age_seconds", [301, 3600, -301])
def test_a_timestamp_more_than_5_minutes_away_is_refused(partner, burger, post_event, age_seconds):
    response = post_event(partner, event(), timestamp=int(time.time()) - age_seconds)

    assert response.status_code == 401
    assert not Order.objects.exists()


def test_a_timestamp_within_5_minutes_is_accepted(partner, burger, post_event):
    response = post_event(partner, event(), timestamp=int(time.time()) - 290)

    assert response.status_code == 200


def test_the_signed_url_is_the_public_address_behind_a_proxy(partner, burger, settings):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example.com"
    ts, body = str(int(time.time())), json.dumps(event()).encode()
    response = Client().post(
        URL,
        data=body,
        content_type="application/json",
        headers={
            "X-Comptoir-Timestamp": ts,
            "X-Comptoir-Signature": sign(
                partner.secret, ts, f"https://shop.example.com{URL}", body
            ),
        },
    )
    assert response.status_code == 200


def test_an_unknown_or_inactive_partner_is_404(partner, burger, post_event):
    partner.slug = "nobody"  # signed with the right secret, posted to an unknown address
    assert post_event(partner, event()).status_code == 404
    partner.slug = "livreur"
    partner.is_active = False
    partner.save()
    assert post_event(partner, event()).status_code == 404
    assert not Order.objects.exists()


def test_a_replayed_event_is_acknowledged_and_applied_once(partner, burger, post_event):
    first = post_event(partner, event())
    replay = post_event(partner, event())  # the same event id, freshly signed

    assert first.status_code == replay.status_code == 200
    assert replay.json()["status"] == "already_processed"
    assert Order.objects.count() == 1
    assert CustomerSpending.objects.get().total_spent == 1900


def test_a_second_order_with_the_same_partner_order_id_is_not_created(partner, burger, post_event):
    first = post_event(partner, event(event_id="evt_1"))
    again = post_event(partner, event(event_id="evt_2"))

    assert again.status_code == 200
    assert again.json() == {"status": "duplicate_order", "order": first.json()["order"]}
    assert Order.objects.count() == PartnerOrder.objects.count() == 1


def test_an_unknown_item_is_kept_on_the_order_as_flagged_free_text(
    partner, burger, post_event, staff_client
):
    payload = event(
        items=[
            {"id": "LV-BURGER", "name": "Burger", "quantity": 1, "unit_price": 950},
            {"id": "LV-SECRET", "name": "Secret menu shake", "quantity": 2, "unit_price": 400},
        ]
    )
    assert post_event(partner, payload).status_code == 200

    order = Order.objects.get()
    unknown = order.lines.get(product__isnull=True)
    assert (unknown.name, unknown.quantity, unknown.unit_price) == ("Secret menu shake", 2, 400)
    assert order.total == 950 + 800
    assert order.partner_order.unknown_items == [
        {"id": "LV-SECRET", "name": "Secret menu shake", "quantity": 2, "note": ""}
    ]
    page = staff_client(Permission.MANAGE_ORDERS, user__language="en").get(
        "/dashboard/partners/orders/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Secret menu shake" in html
    assert html.count("data-unknown-item") == 1
    assert "not mapped to your products" in html


def test_malformed_events_are_refused_with_400(partner, burger, post_event):
    bad = post_event(partner, {"event_id": "evt_9", "type": "order.exploded", "order": {"id": "X"}})
    assert bad.status_code == 400
    assert "type" in bad.json()["error"]["fields"]
    assert post_event(partner, None, raw=b"not json").status_code == 400
    assert not ProcessedEvent.objects.exists()


def test_an_update_replaces_the_lines_and_pickup_time(partner, burger, post_event):
    post_event(partner, event())
    response = post_event(
        partner,
        event(
            "order.updated",
            event_id="evt_2",
            items=[{"id": "LV-BURGER", "name": "Burger", "quantity": 3, "unit_price": 950}],
            pickup_at="2030-01-01T13:00:00+00:00",
        ),
    )

    assert response.json()["status"] == "applied"
    order = Order.objects.get()
    assert order.total == 2850
    assert order.version == 2
    assert order.lines.get().quantity == 3
    assert order.fulfilment.pickup_at.isoformat() == "2030-01-01T13:00:00+00:00"
    assert CustomerSpending.objects.get().total_spent == 2850


def test_an_update_of_an_order_never_received_is_404_and_not_recorded(partner, post_event):
    response = post_event(partner, event("order.updated", order_id="LV-404", items=None))

    assert response.status_code == 404
    assert not ProcessedEvent.objects.exists()  # the partner's retry is applied later


def test_a_partner_cancellation_completes_the_order_with_the_closing_reason(
    partner, burger, post_event, english_shop
):
    post_event(partner, event())
    response = post_event(partner, event("order.cancelled", event_id="evt_2"))

    assert response.json()["status"] == "applied"
    order = Order.objects.select_related("fulfilment", "partner_order").get()
    assert order.state == OrderState.COMPLETED
    assert order.fulfilment.state == FulfilmentState.CANCELLED
    assert order.fulfilment.cancelled_at is not None
    assert order.fulfilment.cancel_reason == "Cancelled by partner"
    assert order.partner_order.closing_reason == ClosingReason.CANCELLED_BY_PARTNER
    (timeline,) = order.events.all()
    assert (timeline.kind, timeline.actor, timeline.to_state) == ("cancelled", None, "cancelled")
    assert timeline.detail["reason"] == "cancelled_by_partner"
    # A second cancellation (new event id) changes nothing more.
    again = post_event(partner, event("order.cancelled", event_id="evt_3"))
    assert again.json()["status"] == "ignored"


def test_a_partner_cancelled_order_is_not_revenue(partner, burger, post_event):
    post_event(partner, event())
    post_event(partner, event("order.cancelled", event_id="evt_2"))

    order = Order.objects.get()
    assert CustomerSpending.objects.get(customer=order.customer).total_spent == 0
    assert order_totals(order.customer).total_spent == 0
