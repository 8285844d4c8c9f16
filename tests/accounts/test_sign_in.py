"""Sign-in at /account/login/ and sign-out: session rotated, visitor's cart kept, rate
limited per account and per address with a message saying when to try again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from comptoir.checkout.models import CartLine
from comptoir.shop.selectors import get_shop
from comptoir.storefront.cart_session import CART_SESSION_KEY
from tests.checkout.factories import CartFactory, CartLineFactory, sold_at
from tests.factories import PASSWORD, LocationFactory, TeamMemberFactory, UserFactory

NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/account/login/", {"email": email, "password": password, **extra})


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_sign_in_page_offers_forgot_password_and_sign_up(client):
    page = client.get("/account/login/").content.decode()
    assert 'href="/account/password/forgot/"' in page
    assert 'href="/account/signup/"' in page


def test_shopper_signs_in_and_goes_to_account(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    response = sign_in(client, "lea@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert signed_in_user_id(client) == str(shopper.user.pk)


def test_sign_in_ignores_the_case_of_the_email(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    assert sign_in(client, " LEA@Example.COM ").status_code == 302
    assert signed_in_user_id(client) == str(shopper.user.pk)


def test_sign_in_rotates_the_session(client, make_shopper):
    make_shopper(email="lea@example.com")
    client.get("/account/login/")
    client.session.save()
    before = client.session.session_key
    sign_in(client, "lea@example.com")
    assert client.session.session_key != before


def test_sign_in_goes_to_a_safe_next_url_only(client, make_shopper):
    make_shopper(email="lea@example.com")
    response = sign_in(client, "lea@example.com", next="/cart/")
    assert response["Location"] == "/cart/"
    other = Client()
    response = sign_in(other, "lea@example.com", next="https://evil.example.net/")
    assert response["Location"] == "/account/"


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_shopper):
    make_shopper(email="lea@example.com")
    wrong = sign_in(client, "lea@example.com", "not-the-password")
    unknown = sign_in(client, "nobody@example.com", "not-the-password")
    message = "The email or the password is incorrect."
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert signed_in_user_id(client) is None


def test_failed_sign_in_shows_the_form_again_with_the_email_typed(client, make_shopper):
    make_shopper(email="lea@example.com")
    page = sign_in(client, "lea@example.com", "not-the-password").content.decode()
    assert 'value="lea@example.com"' in page
    assert "not-the-password" not in page


def test_empty_form_says_what_is_missing_per_field(client):
    page = client.post("/account/login/", {"email": "", "password": ""}).content.decode()
    assert "Enter your email address." in page
    assert "Enter your password." in page
    assert 'aria-invalid="true"' in page


def test_sign_in_keeps_the_visitors_cart_merged_with_the_accounts(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    location = LocationFactory()
    croissant = sold_at(location, slug="croissant")
    tart = sold_at(location, slug="tart")
    account_cart = CartFactory(location=location, owner=shopper.user)
    CartLineFactory(cart=account_cart, product=tart, quantity=1)
    client.post("/cart/add/", {"product": "croissant", "quantity": 2, "location": location.pk})
    assert client.session.get(CART_SESSION_KEY) is not None

    sign_in(client, "lea@example.com")

    cart_id = client.session[CART_SESSION_KEY]
    lines = dict(CartLine.objects.filter(cart_id=cart_id).values_list("product_id", "quantity"))
    assert lines == {croissant.pk: 2, tart.pk: 1}


def test_team_login_without_customer_record_is_sent_to_the_dashboard(client):
    member = TeamMemberFactory()
    page = sign_in(client, member.user.email).content.decode()
    assert "Team members sign in to the dashboard" in page
    assert signed_in_user_id(client) is None


def test_deleted_account_cannot_sign_in(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    shopper.account_deleted_at = timezone.now()
    shopper.save(update_fields=["account_deleted_at"])
    sign_in(client, "lea@example.com")
    assert signed_in_user_id(client) is None


def test_login_detached_from_its_customer_record_cannot_sign_in(client):
    UserFactory(email="old@example.com")
    sign_in(client, "old@example.com")
    assert signed_in_user_id(client) is None


def test_sign_out_needs_a_post_and_signs_out(client, make_shopper):
    make_shopper(email="lea@example.com")
    sign_in(client, "lea@example.com")
    assert client.get("/account/logout/").status_code == 405
    assert signed_in_user_id(client) is not None
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_header_says_sign_in_then_my_account(client, make_shopper):
    make_shopper(email="lea@example.com")
    page = client.get("/").content.decode()
    assert 'href="/account/login/"' in page
    assert 'href="/account/"' not in page
    sign_in(client, "lea@example.com")
    page = client.get("/").content.decode()
    assert 'href="/account/"' in page and "My account" in page
    assert 'href="/account/login/"' not in page


# --- rate limits ----------------------------------------------------------------------


def test_sixth_attempt_on_an_account_is_refused_with_the_time_to_try_again(client, make_shopper):
    make_shopper(email="lea@example.com")
    shop = get_shop()
    shop.time_zone = "Europe/Paris"
    shop.save(update_fields=["time_zone"])
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            assert sign_in(client, "lea@example.com", "wrong").status_code == 200
        refused = sign_in(client, "lea@example.com")  # even the right password
    assert refused.status_code == 429
    # 20:00 UTC + 15 minutes, in Paris (UTC+1 in December).
    assert "Too many attempts. Try again after 21:15 (in 15 minutes)." in (refused.content.decode())
    assert signed_in_user_id(client) is None


def test_account_limit_lifts_after_15_minutes(client, make_shopper):
    make_shopper(email="lea@example.com")
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(5):
            sign_in(client, "lea@example.com", "wrong")
        traveller.shift(dt.timedelta(minutes=14, seconds=59))
        assert sign_in(client, "lea@example.com").status_code == 429
        traveller.shift(dt.timedelta(seconds=2))
        assert sign_in(client, "lea@example.com").status_code == 302
    assert signed_in_user_id(client) is not None


def test_account_limit_holds_from_any_address(make_shopper):
    make_shopper(email="lea@example.com")
    with time_machine.travel(NOW, tick=False):
        for n in range(5):
            sign_in(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "lea@example.com", "wrong")
        refused = sign_in(Client(REMOTE_ADDR="10.0.1.1"), "lea@example.com")
    assert refused.status_code == 429


def test_twenty_failures_from_one_address_block_it_for_every_account(make_shopper):
    make_shopper(email="lea@example.com")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(NOW, tick=False) as traveller:
        for n in range(20):
            assert sign_in(attacker, f"guess{n}@example.com", "wrong").status_code == 200
        assert sign_in(attacker, "lea@example.com").status_code == 429
        # Another address is not affected.
        assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "lea@example.com").status_code == 302
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        assert sign_in(attacker, "lea@example.com").status_code == 302


def test_successful_sign_in_clears_the_accounts_failures(client, make_shopper):
    make_shopper(email="lea@example.com")
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            sign_in(client, "lea@example.com", "wrong")
        assert sign_in(client, "lea@example.com").status_code == 302
        other = Client()
        for _ in range(4):
            sign_in(other, "lea@example.com", "wrong")
        assert sign_in(other, "lea@example.com").status_code == 302


def test_storefront_failures_do_not_feed_the_staff_lockout(client):
    """The storefront's limits are its own: django-axes keeps counting staff sign-ins
    at /dashboard/login/ only."""
    for _ in range(3):
        sign_in(client, "nobody@example.com", "wrong")
    assert not AccessAttempt.objects.exists()


def test_sign_in_switches_the_storefront_to_the_shoppers_language(client, make_shopper):
    shop = get_shop()
    shop.publishes_both_languages = True
    shop.save(update_fields=["publishes_both_languages"])
    shopper = make_shopper(email="lea@example.com")
    shopper.user.language = "fr"
    shopper.user.save(update_fields=["language"])
    sign_in(client, "lea@example.com")
    assert client.get("/")["Content-Language"] == "fr"


def test_sign_in_keeps_the_only_published_language(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    shopper.user.language = "fr"
    shopper.user.save(update_fields=["language"])
    sign_in(client, "lea@example.com")
    assert client.get("/")["Content-Language"] == "en"


def test_a_good_password_does_not_reset_the_addresss_count(make_shopper):
    make_shopper(email="lea@example.com")
    make_shopper(email="max@example.com")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(NOW, tick=False):
        for n in range(15):
            sign_in(attacker, f"guess{n}@example.com", "wrong")
        for _ in range(4):
            sign_in(attacker, "lea@example.com", "wrong")
        assert sign_in(attacker, "lea@example.com").status_code == 302
        # Lea's four failures still count for the address: one more makes twenty.
        sign_in(Client(REMOTE_ADDR="203.0.113.9"), "max@example.com", "wrong")
        assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "max@example.com").status_code == 429


def test_behind_the_proxy_the_limit_counts_the_forwarded_address(make_shopper, settings):
    settings.COMPTOIR_TRUSTED_PROXIES = ["10.0.0.1"]
    make_shopper(email="lea@example.com")

    def via_proxy(forwarded_for):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            # The attacker's spoofed left-most entries change; the proxy's own entry does not.
            sign_in(via_proxy(f"1.2.3.{n}, 203.0.113.9"), f"guess{n}@example.com", "wrong")
        assert sign_in(via_proxy("203.0.113.9"), "lea@example.com").status_code == 429
        # Another shopper behind the same proxy is not blocked.
        assert sign_in(via_proxy("198.51.100.7"), "lea@example.com").status_code == 302


def test_forwarded_header_from_an_untrusted_peer_is_ignored(make_shopper, settings):
    settings.COMPTOIR_TRUSTED_PROXIES = ["10.0.0.1"]
    make_shopper(email="lea@example.com")
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
            sign_in(client, f"guess{n}@example.com", "wrong")
        assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "lea@example.com").status_code == 429


def test_account_page_sends_to_sign_in_and_back(client, make_shopper):
    make_shopper(email="lea@example.com")
    page = client.get("/account/login/?next=/account/orders/").content.decode()
    assert 'name="next" value="/account/orders/"' in page
    response = sign_in(client, "lea@example.com", next="/account/orders/")
    assert response["Location"] == "/account/orders/"


@pytest.mark.parametrize(
    "path",
    ["/account/login/", "/account/signup/", "/account/password/forgot/"],
)
def test_auth_pages_render_in_french(client, path):
    shop = get_shop()
    shop.published_language = "fr"
    shop.save(update_fields=["published_language"])
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
