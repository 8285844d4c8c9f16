"""Emails rendered from their template trio, in the recipient's language, with branding."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.mail.rendering import render_email
from comptoir.shop.selectors import get_shop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY_EVENING_UTC = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already Tuesday in Paris


def test_email_is_rendered_in_the_given_language_and_the_shops_time_zone():
    recipient = UserFactory(full_name="Zoë O'Brien")
    context = {"recipient": recipient, "sent_on": MONDAY_EVENING_UTC}

    french = render_email("test_email", context, language="fr")
    english = render_email("test_email", context, language="en")

    assert "mardi 3 mars 2026" in french.text
    assert "Tuesday 3 March 2026" in english.text
    assert '<html lang="fr">' in french.html
    # Plain text is not HTML-escaped; the HTML version is.
    assert "Hello Zoë," in english.text and "O&#x27;Brien" not in english.text
    assert "\n" not in french.subject and french.subject.endswith(get_shop().name)


def test_html_carries_the_shops_primary_colour_and_logo(settings):
    shop = get_shop()
    shop.primary_colour = "#aa3355"
    shop.name = "Boulangerie Lune"
    shop.logo = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    shop.save()
    settings.COMPTOIR_PUBLIC_URL = "https://lune.example/"
    context = {"recipient": UserFactory(), "sent_on": MONDAY_EVENING_UTC}

    html = render_email("test_email", context, language="fr").html

    assert "background:#aa3355" in html
    assert f'src="https://lune.example{shop.logo.url}"' in html
    assert 'alt="Boulangerie Lune"' in html


def test_without_a_public_address_the_shop_name_stands_in_for_the_logo(settings):
    settings.COMPTOIR_PUBLIC_URL = ""
    shop = get_shop()
    shop.logo = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    shop.save()

    html = render_email("test_email", {"recipient": UserFactory()}, language="en").html

    assert "<img" not in html
    assert shop.name in html
