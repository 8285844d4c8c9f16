"""Sign-up: a login attached to the customer record with the same email, the terms
accepted recorded, a welcome email in the shopper's language; the page signs in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password

from comptoir.accounts.models import AccountTerms, TermsAcceptance
from comptoir.accounts.services.signup import create_account
from comptoir.customers.models import Customer
from comptoir.errors import DomainError, InvalidInput
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User
from tests.factories import CustomerFactory, UserFactory

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
    assert "compte" in acceptance.terms.text or acceptance.terms.text


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
