"""A visitor who is not signed in keeps their session in a signed cookie, a signed-in
session lives in the database (decision 0033): a guest checkout writes and reads no
session row, a forged or expired cookie is an empty session, and signing in turns the
visitor's session into a database row under a new key, which signing out ends."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.checkout.models import Cart
from comptoir.orders.models import Order
from comptoir.session_store import COOKIE_PREFIX, COOKIE_SALT, SessionStore
from comptoir.storefront.cart_session import CART_SESSION_KEY
from tests.checkout.checkout_helpers import checkout_form, fill_cart, stocked
from tests.factories import PASSWORD, ShopperFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_shop")]


@pytest.fixture
def croissant(location):
    return stocked(location, price=130, stock=10, name_en="Croissant", name_fr="Croissant")


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def cookie_data(client: Client) -> dict:
    value = session_cookie(client)
    assert value.startswith(COOKIE_PREFIX), value
    return signing.loads(value.removeprefix(COOKIE_PREFIX), salt=COOKIE_SALT)


def test_a_guest_checkout_keeps_its_session_in_the_cookie_only(client, location, croissant):
    with CaptureQueriesContext(connection) as queries:
        fill_cart(client, location, (croissant, 2))
        form = checkout_form(client)
        placed = client.post(reverse("storefront:checkout"), form)
        confirmation = client.get(placed["Location"])

    assert placed.status_code == 302 and confirmation.status_code == 200
    order = Order.objects.get()
    assert order.number in confirmation.content.decode()
    # The session went back and forth in the cookie: nothing in the session table.
    assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert not Session.objects.exists()
    assert cookie_data(client)["placed_orders"] == [order.number]


def test_the_cookie_holds_the_cart_across_requests(client, location, croissant):
    fill_cart(client, location, (croissant, 1))
    cart_id = cookie_data(client)[CART_SESSION_KEY]
    assert Cart.objects.filter(pk=cart_id).exists()

    client.post(reverse("storefront:cart_add"), {"product": croissant.slug, "quantity": 2})

    assert Cart.objects.get(pk=cart_id).lines.get().quantity == 3
    assert "Croissant" in client.get(reverse("storefront:cart")).content.decode()


def test_a_tampered_cookie_is_an_empty_session(client, location, croissant):
    fill_cart(client, location, (croissant, 1))
    assert "Croissant" in client.get(reverse("storefront:cart")).content.decode()
    value = session_cookie(client)
    # Another visitor's cart id written in without the signature: refused.
    data = cookie_data(client)
    data[CART_SESSION_KEY] = data[CART_SESSION_KEY] + 1
    forged = COOKIE_PREFIX + signing.dumps(data, salt="not-the-store-salt")
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    page = client.get(reverse("storefront:cart")).content.decode()
    assert "Croissant" not in page
    # A cut signature too.
    client.cookies[settings.SESSION_COOKIE_NAME] = value[:-3]
    assert "Croissant" not in client.get(reverse("storefront:cart")).content.decode()


def test_a_cookie_session_never_signs_anyone_in(client):
    ShopperFactory(email="lea@example.com")
    real = Client()
    assert real.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})
    signed_in = SessionStore().decode(
        Session.objects.get(session_key=session_cookie(real)).session_data
    )
    assert real.get("/account/").status_code == 200
    # The same data in a correctly signed cookie (as with a leaked key) is no sign-in:
    # signed-in sessions only ever come from the database, where signing out ends them.
    client.cookies[settings.SESSION_COOKIE_NAME] = COOKIE_PREFIX + signing.dumps(
        signed_in, salt=COOKIE_SALT, compress=True
    )
    page = client.get("/account/")
    assert page.status_code == 302 and "/account/login/" in page["Location"]


def test_an_old_cookie_expires_like_a_session_row(client, location, croissant):
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        fill_cart(client, location, (croissant, 1))
        assert "Croissant" in client.get(reverse("storefront:cart")).content.decode()
    later = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC) + dt.timedelta(
        seconds=settings.SESSION_COOKIE_AGE + 60
    )
    with time_machine.travel(later, tick=False):
        assert "Croissant" not in client.get(reverse("storefront:cart")).content.decode()


def test_signing_in_moves_the_session_into_the_database_with_its_cart(client, location, croissant):
    shopper = ShopperFactory(email="lea@example.com")
    fill_cart(client, location, (croissant, 2))
    guest_cookie = session_cookie(client)

    signed_in = client.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})

    assert signed_in.status_code == 302
    key = session_cookie(client)
    assert key != guest_cookie and not key.startswith(COOKIE_PREFIX)
    row = Session.objects.get(session_key=key)
    data = SessionStore().decode(row.session_data)
    assert data[SESSION_KEY] == str(shopper.user.pk)
    cart = Cart.objects.get(pk=data[CART_SESSION_KEY])
    assert cart.owner_id == shopper.user.pk and cart.lines.get().quantity == 2

    # Signing out ends it on the server: the row is gone, the old cookie signs no one in.
    client.post("/account/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/account/").status_code == 302
