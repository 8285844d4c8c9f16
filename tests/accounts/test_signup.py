"""Sign-up: a login attached to the customer record with the same email, the terms
accepted recorded, a welcome email in the shopper's language; the page signs in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from comptoir.accounts.models import AccountTerms, TermsAcceptance
from comptoir.accounts.services.signup import create_account
from comptoir.accounts.services.terms import default_terms_text
from comptoir.checkout.models import Cart
from comptoir.customers.models import Customer
from comptoir.errors import DomainError, InvalidInput
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from comptoir.storefront.cart_session import CART_SESSION_KEY
from comptoir.users.models import User
from tests.checkout.factories import sold_at
from tests.concurrency import run_at_once, skip_unless_postgres
from tests.factories import CustomerFactory, LocationFactory, UserFactory

GOOD_PASSWORD = "tarte-aux-pommes-77"


def _signup(client, **fields):
    data = {
        "email": "lea@example.com",
        "password": GOOD_PASSWORD,
        "first_name": "Léa",
        "last_name": "Petit",
        "accept_terms": "on",
        **fields,
    }
    return client.post("/account/signup/", {k: v for k, v in data.items() if v is not None})


# --- the service (checkout calls it too) ---------------------------------------------


def test_create_account_attaches_login_to_existing_customer_found_ignoring_case(db):
    guest = CustomerFactory(email="lea@example.com", first_name="")
    user = create_account(
        email="LEA@Example.com", password=GOOD_PASSWORD, language="en", first_name="Léa"
    )
    guest.refresh_from_db()
    assert guest.user == user
    assert guest.first_name == "Léa"
    assert user.email == "lea@example.com"
    assert Customer.objects.count() == 1


def test_create_account_creates_customer_record_when_none(db):
    user = create_account(email="new@example.com", password=GOOD_PASSWORD, language="fr")
    customer = Customer.objects.get(user=user)
    assert customer.email == "new@example.com"
    assert user.language == "fr"


def test_create_account_refuses_email_that_already_has_a_login(db):
    UserFactory(email="lea@example.com")
    with pytest.raises(InvalidInput) as refused:
        create_account(email="Lea@example.com", password=GOOD_PASSWORD, language="en")
    assert "already exists" in str(refused.value.errors["email"])
    assert "reset" in str(refused.value.errors["email"])


def test_create_account_validates_password_with_django_validators(db):
    with pytest.raises(InvalidInput) as refused:
        create_account(email="lea@example.com", password="short", language="en")
    assert set(refused.value.errors) == {"password"}
    assert not User.objects.exists()
    assert not Customer.objects.exists()


def test_create_account_refused_while_accounts_are_off(db):
    shop = get_shop()
    shop.customer_accounts_enabled = False
    shop.save(update_fields=["customer_accounts_enabled"])
    with pytest.raises(DomainError):
        create_account(email="lea@example.com", password=GOOD_PASSWORD, language="en")
    assert not User.objects.exists()


def test_create_account_hashes_password(db):
    user = create_account(email="lea@example.com", password=GOOD_PASSWORD, language="en")
    assert user.password != GOOD_PASSWORD
    assert check_password(GOOD_PASSWORD, user.password)


def test_create_account_records_default_terms_as_version_1_when_none_published(db):
    user = create_account(email="lea@example.com", password=GOOD_PASSWORD, language="fr")
    acceptance = TermsAcceptance.objects.get(user=user)
    assert (acceptance.terms.language, acceptance.terms.version) == ("fr", 1)
    assert acceptance.terms.text == default_terms_text("fr")


def test_create_account_records_the_version_shown(db):
    AccountTerms.objects.create(language="en", version=1, text="Old terms")
    shown = AccountTerms.objects.create(language="en", version=2, text="New terms")
    user = create_account(
        email="lea@example.com", password=GOOD_PASSWORD, language="en", accepted_terms=shown
    )
    assert TermsAcceptance.objects.get(user=user).terms == shown


def test_create_account_queues_welcome_email_in_shopper_language(db):
    shop = get_shop()
    shop.name = "Maison Durand"
    shop.save(update_fields=["name"])
    create_account(email="lea@example.com", password=GOOD_PASSWORD, language="fr", first_name="Léa")
    email = OutgoingEmail.objects.get(kind="account_welcome")
    assert email.to_address == "lea@example.com"
    assert email.language == "fr"
    assert "Maison Durand" in email.subject
    assert "Léa" in email.text_body
    assert "/account/" in email.text_body
    assert "Maison Durand" in email.html_body


# --- the page ------------------------------------------------------------------------


def test_signup_page_shows_the_current_terms_in_the_page_language(client):
    AccountTerms.objects.create(language="en", version=1, text="Old words")
    AccountTerms.objects.create(language="en", version=2, text="Be kind to the baker.")
    AccountTerms.objects.create(language="fr", version=3, text="Soyez gentils.")
    page = client.get("/account/signup/").content.decode()
    assert "Be kind to the baker." in page
    assert "Old words" not in page and "Soyez gentils." not in page
    assert 'name="accept_terms"' in page


def test_signup_page_shows_default_terms_when_none_published(client):
    page = client.get("/account/signup/").content.decode()
    assert "By creating an account you allow the shop" in page


def test_signup_creates_the_account_signs_in_and_records_the_version_shown(client):
    shown = AccountTerms.objects.create(language="en", version=4, text="Be kind.")
    response = _signup(client, terms_version=4)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    user = User.objects.get(email="lea@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.language == "en"
    assert TermsAcceptance.objects.get(user=user).terms == shown
    customer = Customer.objects.get(user=user)
    assert (customer.first_name, customer.last_name) == ("Léa", "Petit")
    assert OutgoingEmail.objects.filter(kind="account_welcome", language="en").count() == 1


def test_signup_rotates_the_session(client):
    client.get("/account/signup/")
    client.session.save()
    before = client.session.session_key
    _signup(client)
    assert client.session.session_key != before


def test_signup_goes_to_a_safe_next_url_only(client):
    assert _signup(client, next="/cart/")["Location"] == "/cart/"
    other_client = type(client)()
    response = _signup(other_client, email="max@example.com", next="//evil.example.net/x")
    assert response["Location"] == "/account/"


def test_signup_without_accepting_terms_is_refused_beside_the_checkbox(client):
    response = _signup(client, accept_terms=None)
    page = response.content.decode()
    assert "Accept the account terms to create an account." in page
    assert 'value="lea@example.com"' in page and 'value="Petit"' in page
    assert not User.objects.exists()


def test_signup_with_a_weak_password_says_why_and_keeps_what_was_typed(client):
    page = _signup(client, password="short").content.decode()
    assert "This password is too short" in page
    assert 'value="lea@example.com"' in page
    assert 'value="short"' not in page
    assert not User.objects.exists()


def test_signup_with_an_email_that_has_an_account_offers_sign_in_and_reset(client, make_shopper):
    make_shopper(email="lea@example.com")
    page = _signup(client, email="Lea@Example.com").content.decode()
    assert "An account already exists with this email address." in page
    assert 'href="/account/login/"' in page
    assert client.session.get("_auth_user_id") is None


def test_signup_keeps_the_visitors_cart(client):
    location = LocationFactory()
    sold_at(location, slug="croissant")
    client.post("/cart/add/", {"product": "croissant", "quantity": 2, "location": location.pk})
    cart_id = client.session[CART_SESSION_KEY]
    _signup(client)
    assert client.session[CART_SESSION_KEY] == cart_id
    assert Cart.objects.get(pk=cart_id).owner.email == "lea@example.com"


def test_passwords_are_stored_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    _signup(client)
    assert User.objects.get(email="lea@example.com").password.startswith("argon2$")


def test_signed_in_shopper_opening_signup_goes_to_the_account(client, make_shopper):
    client.force_login(make_shopper().user)
    response = client.get("/account/signup/")
    assert response.status_code == 302
    assert response["Location"] == "/account/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_email_at_once_make_one_account():
    skip_unless_postgres()
    get_shop()

    def sign_up(n: int) -> object:
        try:
            return create_account(
                email=f"{'LEA' if n % 2 else 'lea'}@example.com",
                password=GOOD_PASSWORD,
                language="en",
            ).pk
        except InvalidInput as refused:
            return refused.code

    outcomes = run_at_once(4, sign_up)

    user = User.objects.get()
    assert sorted(map(str, outcomes)) == sorted([str(user.pk)] + ["account_exists"] * 3)
    assert Customer.objects.get().user == user
    assert TermsAcceptance.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="account_welcome").count() == 1


def test_signup_reports_every_mistake_at_once(client):
    page = _signup(client, email="not-an-email", password="short", accept_terms=None)
    page = page.content.decode()
    assert "Enter a valid email address" in page
    assert "This password is too short" in page
    assert "Accept the account terms to create an account." in page


def test_signing_up_again_after_deleting_the_account_reuses_the_customer_record(client):
    CustomerFactory(email="lea@example.com", account_deleted_at=timezone.now(), user=None)
    assert _signup(client).status_code == 302
    customer = Customer.objects.get()
    assert customer.user.email == "lea@example.com"
    assert customer.account_deleted_at is None
