"""Dashboard pages for the account emails: list, edit (keeps what was typed on error),
preview with sample data, reset to default with a confirmation; "manage customers"."""

from __future__ import annotations

import html

import pytest
from django.utils import translation

from comptoir.accounts.models import AccountEmail
from comptoir.accounts.services.signup import create_account
from comptoir.mail.models import OutgoingEmail
from comptoir.team.permissions import Permission

pytestmark = pytest.mark.django_db

LIST = "/dashboard/customers/emails/"
EDIT_WELCOME_EN = "/dashboard/customers/emails/edit/?email=account_welcome&language=en"
EDIT_RESET_EN = "/dashboard/customers/emails/edit/?email=password_reset&language=en"
PREVIEW_WELCOME_EN = "/dashboard/customers/emails/preview/?email=account_welcome&language=en"
RESET_WELCOME_EN = "/dashboard/customers/emails/reset/?email=account_welcome&language=en"


@pytest.fixture(autouse=True)
def _english(english_shop):
    english_shop.name = "Chez Hélène"
    english_shop.publishes_both_languages = True
    english_shop.save(update_fields=["name", "publishes_both_languages"])
    with translation.override("en"):
        yield


@pytest.fixture
def manager(staff_client):
    client = staff_client(Permission.MANAGE_CUSTOMERS)
    client.member.user.language = "en"
    client.member.user.save(update_fields=["language"])
    return client


def test_list_shows_both_emails_in_each_published_language(manager):
    page = manager.get(LIST).content.decode()
    assert page.count("Welcome email") == 2
    assert page.count("Password reset email") == 2
    assert "email=account_welcome&amp;language=fr" in page
    assert "email=password_reset&amp;language=en" in page
    assert page.count("Default") == 4


def test_member_without_manage_customers_is_refused(staff_client):
    client = staff_client(Permission.VIEW_CUSTOMERS, Permission.MANAGE_SETTINGS)
    for url in (LIST, EDIT_WELCOME_EN, PREVIEW_WELCOME_EN, RESET_WELCOME_EN):
        assert client.get(url).status_code == 403
    response = client.post(EDIT_WELCOME_EN, {"subject": "Hi", "body": "Hello"})
    assert response.status_code == 403
    assert not AccountEmail.objects.exists()


def test_edit_form_starts_from_the_default_with_placeholders(manager):
    page = manager.get(EDIT_WELCOME_EN).content.decode()
    assert 'value="Welcome to {shop_name}"' in page
    assert "Hello {first_name}," in page
    assert "{link}" in page


def test_saving_sends_the_customised_welcome_email(manager):
    response = manager.post(
        EDIT_WELCOME_EN,
        {"subject": "Hi {first_name}!", "body": "Welcome at {shop_name}, {first_name}."},
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert "Yours, saved" in manager.get(LIST).content.decode()
    create_account(
        email="ann@example.com", password="galette-des-rois-2027", language="en", first_name="Ann"
    )
    message = OutgoingEmail.objects.get(kind="account_welcome")
    assert message.subject == "Hi Ann!"
    assert message.text_body == "Welcome at Chez Hélène, Ann.\n"


def test_unknown_placeholder_is_refused_and_the_form_keeps_what_was_typed(manager):
    response = manager.post(
        EDIT_RESET_EN,
        {"subject": "Reset for {firstname}", "body": "Hello {first_name},\nno link here"},
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Unknown placeholders: {firstname}." in page
    assert "The text must contain {link}" in page
    assert 'value="Reset for {firstname}"' in page
    assert "Hello {first_name},\nno link here" in page
    assert not AccountEmail.objects.exists()


def test_preview_renders_the_saved_version_with_sample_data_as_html_and_text(manager):
    AccountEmail.objects.create(
        kind="account_welcome",
        language="en",
        subject="Hi {first_name}",
        body="Dear {first_name} <3,\nwelcome to {shop_name}.",
    )
    response = manager.get(PREVIEW_WELCOME_EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hi Marie" in page
    # The HTML version sits in a sandboxed iframe's srcdoc, escaped once more there.
    assert "<iframe" in page and "sandbox" in page
    srcdoc = html.unescape(page.split('srcdoc="', 1)[1].split('"', 1)[0])
    assert "Dear Marie &lt;3,<br>welcome to Chez Hélène.</p>" in srcdoc
    # The text version.
    assert "Dear Marie &lt;3,\nwelcome to Chez Hélène." in page


def test_preview_button_shows_what_was_typed_without_saving(manager):
    response = manager.post(
        EDIT_WELCOME_EN,
        {"subject": "Try {first_name}", "body": "Draft for {first_name}", "preview": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Try Marie" in page
    assert "Draft for Marie" in page
    assert not AccountEmail.objects.exists()


def test_preview_of_an_email_not_customised_shows_the_default(manager):
    page = manager.get(PREVIEW_WELCOME_EN).content.decode()
    assert "Welcome to Chez Hélène" in page
    assert "Hello Marie," in page


def test_reset_to_default_asks_for_confirmation_then_brings_the_default_back(manager):
    AccountEmail.objects.create(
        kind="account_welcome", language="en", subject="Custom", body="Custom body"
    )
    confirmation = manager.get(RESET_WELCOME_EN)
    assert confirmation.status_code == 200
    assert "Delete my version and use the default" in confirmation.content.decode()
    assert AccountEmail.objects.exists()
    response = manager.post(RESET_WELCOME_EN)
    assert response.status_code == 302
    assert not AccountEmail.objects.exists()
    create_account(
        email="ann@example.com", password="galette-des-rois-2027", language="en", first_name="Ann"
    )
    assert OutgoingEmail.objects.get(kind="account_welcome").subject == "Welcome to Chez Hélène"


def test_unknown_email_or_language_is_not_found(manager):
    assert (
        manager.get("/dashboard/customers/emails/edit/?email=other&language=en").status_code == 404
    )
    assert (
        manager.get(
            "/dashboard/customers/emails/preview/?email=password_reset&language=de"
        ).status_code
        == 404
    )


def test_menu_links_to_account_emails_for_members_who_manage_customers(manager, staff_client):
    assert f'href="{LIST}"' in manager.get("/dashboard/").content.decode()
    others = staff_client(Permission.VIEW_CUSTOMERS)
    assert f'href="{LIST}"' not in others.get("/dashboard/").content.decode()
