"""The language model: storefront in the published language, a visitor's switch kept
when the shop publishes both, the dashboard in the staff member's own language, and
messages in the customer's language only when the shop publishes it."""

import re

import pytest
from django.urls import reverse

from comptoir.shop.selectors import get_shop, language_for
from comptoir.shop.services import update_shop_settings
from comptoir.team.models import Access

pytestmark = pytest.mark.django_db


def page_language(response) -> tuple[str, str]:
    """(the <html lang> attribute, the Content-Language header)."""
    match = re.search(r'<html lang="([a-z]+)"', response.content.decode())
    assert match, "no <html lang> on the page"
    return match.group(1), response["Content-Language"]


@pytest.fixture
def english_only(owner):
    return update_shop_settings(
        actor=owner, published_language="en", publishes_both_languages=False
    )


@pytest.fixture
def both_languages(owner):
    return update_shop_settings(actor=owner, published_language="fr", publishes_both_languages=True)


def test_storefront_is_in_the_published_language_whatever_the_browser_asks(english_only, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert page_language(response) == ("en", "en")


def test_storefront_defaults_to_french_for_a_french_shop(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert page_language(response) == ("fr", "fr")


def test_single_language_shop_shows_no_language_switch(english_only, client):
    assert 'name="language"' not in client.get("/").content.decode()


def test_visitor_can_switch_when_both_are_published_and_the_choice_is_kept(both_languages, client):
    assert page_language(client.get("/")) == ("fr", "fr")
    assert 'name="language" value="en"' in client.get("/").content.decode()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert switched.status_code == 302
    assert page_language(client.get("/")) == ("en", "en")
    assert page_language(client.get("/")) == ("en", "en")  # still kept on the next visit


def test_switch_to_a_language_the_shop_does_not_publish_is_ignored(owner, client):
    assert get_shop().languages == ["fr"]

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert page_language(client.get("/")) == ("fr", "fr")


def test_kept_choice_is_dropped_when_the_shop_stops_publishing_that_language(
    both_languages, owner, client
):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    update_shop_settings(actor=owner, publishes_both_languages=False)

    assert page_language(client.get("/")) == ("fr", "fr")


@pytest.mark.parametrize("staff_language", ["en", "fr"])
def test_dashboard_follows_the_staff_members_language(
    english_only, make_member, signed_in, staff_language
):
    member = make_member(access=Access.FULL, user__language=staff_language)
    browser = "fr" if staff_language == "en" else "en"

    response = signed_in(member).get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE=browser)

    assert page_language(response) == (staff_language, staff_language)


def test_staff_member_sets_their_dashboard_language_on_my_profile(make_member, signed_in):
    member = make_member(permissions=[], user__language="fr")
    client = signed_in(member)

    response = client.post(reverse("dashboard:my_profile"), {"full_name": "Léa", "language": "en"})

    assert response.status_code == 302
    member.user.refresh_from_db()
    assert (member.user.full_name, member.user.language) == ("Léa", "en")
    assert page_language(client.get(reverse("dashboard:home"))) == ("en", "en")


def test_profile_refuses_a_language_the_dashboard_does_not_speak(make_member, signed_in):
    member = make_member(permissions=[], user__language="fr")

    response = signed_in(member).post(
        reverse("dashboard:my_profile"), {"full_name": "", "language": "de"}
    )

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    member.user.refresh_from_db()
    assert member.user.language == "fr"


@pytest.mark.parametrize(
    ("published", "both", "customer", "expected"),
    [
        ("fr", False, "en", "fr"),  # English not published: the published language
        ("fr", True, "en", "en"),  # both published: the customer's own
        ("en", False, "fr", "en"),
        ("en", True, "fr", "fr"),
        ("fr", True, "", "fr"),  # no preference
        ("en", True, None, "en"),
        ("fr", True, "de", "fr"),  # a language the shop never publishes
    ],
)
def test_language_for_a_customer_is_theirs_only_when_published(
    owner, published, both, customer, expected
):
    shop = update_shop_settings(
        actor=owner, published_language=published, publishes_both_languages=both
    )

    assert language_for(shop, customer) == expected
