"""Staff decisions reach the partner: signed like its webhooks, retried by the task
until the partner answers 2xx. The partner is a real HTTP listener on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from comptoir.orders.models import FulfilmentState, Order, OrderState
from comptoir.partners.models import CallbackStatus, PartnerCallback
from comptoir.team.permissions import Permission
from tests.partners.conftest import event, sign


class PartnerStandIn:
    """Records each request; answers the statuses given, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[dict[str, str], bytes]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stand_in.received.append((dict(self.headers.items()), body))
                status = stand_in.statuses.pop(0) if stand_in.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/comptoir/callback?shop=7"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in() -> Iterator[PartnerStandIn]:
    server = PartnerStandIn([500])
    yield server
    server.close()


def test_an_accepted_order_is_sent_back_signed_and_retried_until_received(
    partner, burger, post_event, staff_client, stand_in, run_worker
):
    partner.callback_url = stand_in.url
    partner.save()
    post_event(partner, event())
    partner_order = Order.objects.get().partner_order
    staff = staff_client(Permission.MANAGE_ORDERS, user__language="en")

    response = staff.post(
        f"/dashboard/partners/orders/{partner_order.pk}/accept/",
        {"version": partner_order.order.version},
    )
    assert response.status_code == 302
    order = Order.objects.select_related("fulfilment").get()
    assert order.fulfilment.state == FulfilmentState.RESERVED
    assert order.fulfilment.accepted_at is not None
    assert [(e.kind, e.actor) for e in order.events.all()] == [("accepted", staff.member)]

    run_worker()  # the partner answers 500: the task will try again
    callback = PartnerCallback.objects.get()
    assert callback.status == CallbackStatus.QUEUED
    assert callback.last_error == "HTTP 500"
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        run_worker()

    callback.refresh_from_db()
    assert (callback.status, callback.attempts) == (CallbackStatus.SENT, 2)
    assert len(stand_in.received) == 2
    headers, body = stand_in.received[-1]
    assert headers["Content-Type"] == "application/json"
    expected = sign(partner.secret, headers["X-Comptoir-Timestamp"], stand_in.url, body)
    assert headers["X-Comptoir-Signature"] == expected
    sent = json.loads(body)
    assert sent["type"] == "order.accepted"
    assert sent["order"]["id"] == "LV-1001"
    assert sent["order"]["ready_at"]
    # Each try of one callback carries the same event id (the partner applies it once).
    assert json.loads(stand_in.received[0][1])["event_id"] == sent["event_id"]


def test_a_declined_order_is_cancelled_and_the_partner_told(
    partner, burger, post_event, staff_client, immediate_tasks, django_capture_on_commit_callbacks
):
    server = PartnerStandIn([])
    try:
        partner.callback_url = server.url
        partner.save()
        post_event(partner, event())
        partner_order = Order.objects.get().partner_order
        staff = staff_client(Permission.MANAGE_ORDERS, user__language="en")
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(f"/dashboard/partners/orders/{partner_order.pk}/decline/")
    finally:
        server.close()

    order = Order.objects.select_related("fulfilment", "partner_order").get()
    assert order.state == OrderState.CANCELLED
    assert order.fulfilment.state == FulfilmentState.CANCELLED
    assert order.partner_order.decision == "declined"
    assert [json.loads(body)["type"] for _headers, body in server.received] == ["order.declined"]


def test_delay_is_offered_and_sent_only_for_partners_that_support_it(
    partner, burger, post_event, staff_client, immediate_tasks, django_capture_on_commit_callbacks
):
    server = PartnerStandIn([])
    try:
        partner.callback_url = server.url
        partner.save()
        post_event(partner, event(pickup_at="2030-01-01T12:00:00+00:00"))
        partner_order = Order.objects.get().partner_order
        staff = staff_client(Permission.MANAGE_ORDERS, user__language="en")
        page = staff.get("/dashboard/partners/orders/").content.decode()
        assert "/delay/" not in page

        refused = staff.post(
            f"/dashboard/partners/orders/{partner_order.pk}/delay/", {"minutes": 10}
        )
        assert refused.status_code == 400
        assert Order.objects.get().fulfilment.pickup_at.isoformat() == "2030-01-01T12:00:00+00:00"

        partner.supports_delay = True
        partner.save()
        assert "/delay/" in staff.get("/dashboard/partners/orders/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(f"/dashboard/partners/orders/{partner_order.pk}/delay/", {"minutes": 10})
    finally:
        server.close()

    fulfilment = Order.objects.get().fulfilment
    assert fulfilment.pickup_at.isoformat() == "2030-01-01T12:10:00+00:00"
    ((headers, body),) = server.received
    sent = json.loads(body)
    assert sent["type"] == "order.delayed"
    assert sent["order"] == {
        "id": "LV-1001",
        "ready_at": "2030-01-01T12:10:00+00:00",
        "delay_minutes": 10,
    }
    assert headers["X-Comptoir-Signature"] == sign(
        partner.secret, headers["X-Comptoir-Timestamp"], server.url, body
    )


def test_two_staff_deciding_the_same_version_cannot_both_win(
    partner, burger, post_event, staff_client
):
    post_event(partner, event())
    partner_order = Order.objects.get().partner_order
    staff = staff_client(Permission.MANAGE_ORDERS, user__language="en")
    url = f"/dashboard/partners/orders/{partner_order.pk}"

    assert staff.post(f"{url}/accept/", {"version": 1}).status_code == 302
    late = staff.post(f"{url}/decline/", {"version": 1})

    assert late.status_code == 409
    assert Order.objects.get().fulfilment.state == FulfilmentState.RESERVED
