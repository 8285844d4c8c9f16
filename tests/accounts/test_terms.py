"""Account terms: the owner publishes them per language from the dashboard (a new
version each time); sign-up shows the current version and records the one accepted."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from comptoir.accounts.models import AccountTerms, TermsAcceptance
from comptoir.accounts.services.terms import publish_terms
from comptoir.errors import PermissionDenied
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from comptoir.users.models import User

URL = "/dashboard/accounts/terms/"


def publish(client, language, text):
    return client.post(URL, {"language": language, f"{language}-text": text})


def test_owner_publishes_terms_per_language_each_save_a_new_version(owner, signed_in):
    client = signed_in(owner)
    assert client.get(URL).status_code == 200
    assert publish(client, "en", "Be kind.").status_code == 302
    assert publish(client, "en", "Be kind to the baker.").status_code == 302
    assert publish(client, "fr", "Soyez gentils.").status_code == 302
    assert list(AccountTerms.objects.values_list("language", "version", "text")) == [
        ("en", 2, "Be kind to the baker."),
        ("en", 1, "Be kind."),
        ("fr", 1, "Soyez gentils."),
    ]
    page = client.get(URL).content.decode()
    assert "Be kind to the baker." in page
    assert "Version 2" in page


def test_saving_unchanged_terms_publishes_no_new_version(owner, signed_in):
    client = signed_in(owner)
    publish(client, "en", "Be kind.")
    publish(client, "en", "Be kind.  ")
    assert AccountTerms.objects.count() == 1


def test_empty_terms_are_refused_beside_the_field(owner, signed_in):
    response = publish(signed_in(owner), "en", "   ")
    # The dashboard speaks the staff member's language.
    with translation.override(response["Content-Language"]):
        message = gettext("Write the terms shoppers accept when they create an account.")
    assert escape(message) in response.content.decode()
    assert not AccountTerms.objects.exists()


def test_terms_page_needs_the_settings_permission(staff_client):
    without = staff_client(Permission.MANAGE_CATALOG)
    assert without.get(URL).status_code == 403
    assert publish(without, "en", "Sneaky terms").status_code == 403
    assert not AccountTerms.objects.exists()
    allowed = staff_client(Permission.MANAGE_SETTINGS)
    assert publish(allowed, "en", "Fine terms").status_code == 302


def test_shopper_cannot_open_the_terms_page(client, make_shopper):
    client.force_login(make_shopper().user)
    assert client.get(URL).status_code == 403
    assert publish(client, "en", "Shopper terms").status_code == 403
    assert not AccountTerms.objects.exists()


def test_publish_terms_refuses_without_permission(make_member):
    with pytest.raises(PermissionDenied):
        publish_terms(actor=make_member(permissions=[]), language="en", text="x")


def test_sign_up_records_the_version_shown_even_after_a_newer_one(client, owner, signed_in):
    publish(signed_in(owner), "en", "First terms.")
    page = client.get("/account/signup/").content.decode()
    assert "First terms." in page
    publish(signed_in(owner), "en", "Second terms.")  # published while the shopper reads
    client.post(
        "/account/signup/",
        {
            "email": "lea@example.com",
            "password": "tarte-aux-pommes-77",
            "accept_terms": "on",
            "terms_version": "1",
        },
    )
    user = User.objects.get(email="lea@example.com")
    accepted = TermsAcceptance.objects.get(user=user).terms
    assert (accepted.version, accepted.text) == (1, "First terms.")


def test_sign_up_page_in_french_shows_the_french_terms(client, owner, signed_in):
    publish(signed_in(owner), "fr", "Soyez gentils.")
    shop = get_shop()
    shop.published_language = "fr"
    shop.save(update_fields=["published_language"])
    assert "Soyez gentils." in client.get("/account/signup/").content.decode()
