"""The owner's versions of the welcome and password-reset emails: sent instead of the
default in their language, placeholders filled in, branded HTML plus plain text, and the
default back after a reset."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core.files.base import ContentFile
from django.test import Client

from comptoir.accounts.models import AccountEmail
from comptoir.accounts.services.emails import reset_account_email, save_account_email
from comptoir.accounts.services.signup import create_account
from comptoir.errors import InvalidInput
from comptoir.mail.models import OutgoingEmail
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from tests.factories import TeamMemberFactory

WELCOME = AccountEmail.Kind.WELCOME
RESET = AccountEmail.Kind.PASSWORD_RESET
LINK = re.compile(r"https?://[^\s\"<]+/account/password/reset/[^\s\"<]+/")


@pytest.fixture
def owner_member(db):
    return TeamMemberFactory(access=Access.OWNER)


@pytest.fixture
def both_languages(english_shop):
    english_shop.name = "Boulangerie <Hélène>"
    english_shop.publishes_both_languages = True
    english_shop.save(update_fields=["name", "publishes_both_languages"])
    return english_shop


def welcome_to(email: str) -> OutgoingEmail:
    return OutgoingEmail.objects.get(kind="account_welcome", to_address=email)


def test_customised_welcome_subject_and_body_with_first_name_arrive_in_the_outbox(
    owner_member, both_languages, settings
):
    settings.COMPTOIR_PUBLIC_URL = "https://shop.example"
    both_languages.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    save_account_email(
        actor=owner_member,
        kind=WELCOME,
        language="en",
        subject="Welcome {first_name} to {shop_name}",
        body="Dear {first_name},\nglad to see you.\n\nYour account: {link}",
    )
    create_account(
        email="lea@example.com", password="galette-des-rois-2027", language="en", first_name="Léa"
    )
    message = welcome_to("lea@example.com")
    assert message.subject == "Welcome Léa to Boulangerie <Hélène>"
    assert message.text_body == (
        "Dear Léa,\nglad to see you.\n\nYour account: https://shop.example/account/\n"
    )
    assert '<a href="https://shop.example/account/"' in message.html_body
    # HTML: the brand layout, paragraphs and line breaks kept, values escaped.
    assert both_languages.primary_colour in message.html_body
    assert f'<img src="https://shop.example{both_languages.logo.url}"' in message.html_body
    assert "Dear Léa,<br>glad to see you.</p>" in message.html_body
    assert "Boulangerie &lt;Hélène&gt;" in message.html_body
    assert "<Hélène>" not in message.html_body


def test_french_and_english_versions_are_customised_separately(owner_member, both_languages):
    save_account_email(
        actor=owner_member,
        kind=WELCOME,
        language="fr",
        subject="Bienvenue {first_name}",
        body="Bonjour {first_name} !",
    )
    create_account(
        email="fr@example.com", password="galette-des-rois-2027", language="fr", first_name="Hélène"
    )
    create_account(
        email="en@example.com", password="galette-des-rois-2027", language="en", first_name="Ann"
    )
    assert welcome_to("fr@example.com").subject == "Bienvenue Hélène"
    assert welcome_to("fr@example.com").text_body == "Bonjour Hélène !\n"
    # English was not customised: the shipped default.
    english = welcome_to("en@example.com")
    assert english.subject == "Welcome to Boulangerie <Hélène>"
    assert "Hello Ann," in english.text_body


def test_reset_link_still_works_from_a_customised_email(owner_member, english_shop, make_shopper):
    save_account_email(
        actor=owner_member,
        kind=RESET,
        language="en",
        subject="New password for {first_name}",
        body="Click here, {first_name}:\n{link}",
    )
    shopper = make_shopper(email="lea@example.com", first_name="Léa")
    shopper.user.language = "en"
    shopper.user.save(update_fields=["language"])
    client = Client()
    client.post("/account/password/forgot/", {"email": "lea@example.com"})
    message = OutgoingEmail.objects.get(kind="password_reset")
    assert message.subject == "New password for Léa"
    assert message.text_body.startswith("Click here, Léa:\n")
    link = LINK.search(message.text_body).group(0)
    assert f'href="{link}"' in message.html_body
    path = urlsplit(link).path
    assert client.post(path, {"password": "galette-des-rois-2027"}).status_code == 302
    assert client.session.get(SESSION_KEY) == str(shopper.user.pk)


def test_reset_to_default_brings_the_default_back(owner_member, english_shop, make_shopper):
    save_account_email(
        actor=owner_member, kind=RESET, language="en", subject="Custom", body="{link}"
    )
    reset_account_email(actor=owner_member, kind=RESET, language="en")
    assert not AccountEmail.objects.exists()
    shopper = make_shopper(email="lea@example.com", first_name="Léa")
    shopper.user.language = "en"
    shopper.user.save(update_fields=["language"])
    Client().post("/account/password/forgot/", {"email": "lea@example.com"})
    message = OutgoingEmail.objects.get(kind="password_reset")
    assert message.subject == f"Reset your {get_shop().name} password"
    assert "The link works once and expires after 24 hours." in message.text_body


def test_unknown_placeholders_are_refused_by_name(owner_member, english_shop):
    with pytest.raises(InvalidInput) as error:
        save_account_email(
            actor=owner_member,
            kind=WELCOME,
            language="en",
            subject="Hi {firstname}",
            body="Hello {customer} {first_name}",
        )
    assert "{firstname}" in error.value.errors["subject"]
    assert "{customer}" in error.value.errors["body"]
    assert not AccountEmail.objects.exists()


def test_reset_email_without_the_link_placeholder_is_refused(owner_member, english_shop):
    with pytest.raises(InvalidInput) as error:
        save_account_email(
            actor=owner_member, kind=RESET, language="en", subject="Reset", body="Hello"
        )
    assert "{link}" in error.value.errors["body"]
    assert not AccountEmail.objects.exists()


def sign_up_on_the_page(language: str, email: str, first_name: str) -> None:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        "/account/signup/",
        {
            "email": email,
            "password": "galette-des-rois-2027",
            "first_name": first_name,
            "last_name": "Martin",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()


def test_sign_up_page_sends_each_language_its_own_customised_welcome(owner_member, both_languages):
    save_account_email(
        actor=owner_member,
        kind=WELCOME,
        language="fr",
        subject="Bienvenue chez {shop_name}, {first_name}",
        body="Bonjour {first_name} !",
    )
    save_account_email(
        actor=owner_member,
        kind=WELCOME,
        language="en",
        subject="Welcome aboard, {first_name}",
        body="Hi {first_name}!",
    )
    sign_up_on_the_page("fr", "helene@example.com", "Hélène")
    sign_up_on_the_page("en", "ann@example.com", "Ann")
    french = welcome_to("helene@example.com")
    assert (french.language, french.subject) == (
        "fr",
        "Bienvenue chez Boulangerie <Hélène>, Hélène",
    )
    assert french.text_body == "Bonjour Hélène !\n"
    english = welcome_to("ann@example.com")
    assert (english.language, english.subject) == ("en", "Welcome aboard, Ann")
    assert english.text_body == "Hi Ann!\n"
