"""Fixtures of the partner tests: a partner at a location with a mapped product, and a
way to post a signed webhook exactly as docs/partners.md tells partners to."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from comptoir.partners.models import Partner, PartnerItem
from tests.factories import LocationFactory
from tests.jobs.fixtures import _reset_test_tasks, immediate_tasks, run_worker  # noqa: F401
from tests.orders.factories import stocked

SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def _signed_urls_from_the_request(settings):
    settings.COMPTOIR_PUBLIC_URL = ""


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Martyrs", slug="martyrs", preparation_minutes=20)


@pytest.fixture
def partner(location) -> Partner:
    return Partner.objects.create(name="Livreur", slug="livreur", secret=SECRET, location=location)


@pytest.fixture
def burger(partner):
    product = stocked(partner.location, price=950, name_en="Burger", name_fr="Burger")
    PartnerItem.objects.create(partner=partner, external_id="LV-BURGER", product=product)
    return product


def sign(secret: str, timestamp: str, url: str, body: bytes) -> str:
    """The documented signature, computed here independently of the app's code."""
    message = timestamp.encode() + b"." + url.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def event(
    type_: str = "order.created", *, event_id: str = "evt_1", order_id: str = "LV-1001", **order
):
    order.setdefault(
        "customer", {"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com"}
    )
    if type_ == "order.created":
        order.setdefault(
            "items", [{"id": "LV-BURGER", "name": "Burger", "quantity": 2, "unit_price": 950}]
        )
    return {"event_id": event_id, "type": type_, "order": {"id": order_id, **order}}


@pytest.fixture
def post_event() -> Callable[..., object]:
    """``post_event(partner, payload, timestamp=None, secret=None, signature=None)``."""

    def post(partner, payload, *, timestamp=None, secret=None, signature=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        url = f"http://testserver/partners/{partner.slug}/webhook/"
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return Client().post(
            f"/partners/{partner.slug}/webhook/",
            data=body,
            content_type="application/json",
            headers={
                "X-Comptoir-Timestamp": ts,
                "X-Comptoir-Signature": signature or sign(secret or partner.secret, ts, url, body),
            },
        )

    return post
