"""The owner's accounts toggle: while off, sign-in, sign-up and reset pages say accounts
are not available and the header hides the link; nothing is deleted, and turning them
back on lets existing accounts sign in as before."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY

from comptoir.accounts.models import AccountTerms, SavedAddress, TermsAcceptance
from comptoir.customers.models import Customer
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User
from tests.factories import PASSWORD

AUTH_PAGES = [
    "/account/login/",
    "/account/signup/",
    "/account/password/forgot/",
    "/account/password/forgot/sent/",
    "/account/password/reset/MQ/abc-def/",
]


def set_accounts(enabled: bool) -> None:
    shop = get_shop()
    shop.customer_accounts_enabled = enabled
    shop.save(update_fields=["customer_accounts_enabled"])


@pytest.mark.parametrize("path", AUTH_PAGES)
def test_auth_pages_say_accounts_are_not_available_while_off(client, path):
    set_accounts(False)
    for response in (client.get(path), client.post(path, {"email": "lea@example.com"})):
        assert response.status_code == 404
        assert "Accounts are not available" in response.content.decode()


def test_nothing_happens_when_posting_to_auth_pages_while_off(client, make_shopper):
    make_shopper(email="lea@example.com")
    set_accounts(False)
    client.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})
    client.post(
        "/account/signup/",
        {"email": "new@example.com", "password": "tarte-aux-pommes-77", "accept_terms": "on"},
    )
    client.post("/account/password/forgot/", {"email": "lea@example.com"})
    assert client.session.get(SESSION_KEY) is None
    assert not User.objects.filter(email="new@example.com").exists()
    assert not OutgoingEmail.objects.exists()


def test_header_hides_the_account_link_while_off(client):
    set_accounts(False)
    page = client.get("/").content.decode()
    assert "/account/login/" not in page
    assert "My account" not in page


def test_turning_accounts_off_and_on_keeps_accounts_and_their_sign_in(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    SavedAddress.objects.create(
        customer=shopper, address_line1="1 rue Lepic", postal_code="75018", city="Paris"
    )
    terms = AccountTerms.objects.create(language="en", version=1, text="Be kind.")
    TermsAcceptance.objects.create(user=shopper.user, terms=terms)

    set_accounts(False)
    refused = client.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})
    assert refused.status_code == 404
    assert client.session.get(SESSION_KEY) is None

    set_accounts(True)
    shopper = Customer.objects.get(pk=shopper.pk)
    assert shopper.user is not None
    assert shopper.saved_addresses.count() == 1
    assert TermsAcceptance.objects.filter(user=shopper.user).count() == 1
    response = client.post("/account/login/", {"email": "lea@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) == str(shopper.user.pk)
    assert 'href="/account/"' in client.get("/").content.decode()


def test_sign_out_still_works_while_accounts_are_off(client, make_shopper):
    shopper = make_shopper(email="lea@example.com")
    client.force_login(shopper.user)
    set_accounts(False)
    client.post("/account/logout/")
    assert client.session.get(SESSION_KEY) is None
