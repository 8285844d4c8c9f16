"""The language preference: on the customer record and the login, used for emails."""

import re

from django.urls import reverse

from comptoir.users.models import User


def test_choosing_french_stores_it_on_the_record_and_the_login(make_shopper, shopper_client):
    shopper = make_shopper()

    response = shopper_client(shopper).post(
        reverse("storefront:account_language"), {"language": "fr"}, follow=True
    )

    shopper.refresh_from_db()
    assert shopper.language == "fr"
    assert User.objects.get(pk=shopper.user_id).language == "fr"
    assert "Your language preference is saved." in response.content.decode()


def test_an_unknown_language_is_refused_and_nothing_changes(make_shopper, shopper_client):
    shopper = make_shopper(language="en")

    response = shopper_client(shopper).post(
        reverse("storefront:account_language"), {"language": "de"}
    )

    assert response.status_code == 400
    assert "Choose a language." in response.content.decode()
    shopper.refresh_from_db()
    assert shopper.language == "en"


def test_the_page_shows_the_current_choice(make_shopper, shopper_client):
    shopper = make_shopper(language="en")

    page = shopper_client(shopper).get(reverse("storefront:account_language")).content.decode()

    (english,) = re.findall(r'<input[^>]*value="en"[^>]*>', page)
    (french,) = re.findall(r'<input[^>]*value="fr"[^>]*>', page)
    assert "checked" in english and "checked" not in french
