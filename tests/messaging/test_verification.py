"""The business identity messaging needs: complete and valid counts as verified, an edit
asks for it again, and only the owner (or "Manage settings") can enter it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.messaging.models import BusinessVerification
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.messaging.conftest import VALID_SIRET

pytestmark = pytest.mark.django_db

URL = "/dashboard/messages/business-identity/"

COMPLETE = {
    "legal_name": "Comptoir Martin SARL",
    "registration_number": "356 000 000 00048",
    "address": "12 rue des Lilas, 75011 Paris",
    "owner_name": "Hélène Martin",
}


@pytest.fixture
def owner_client(owner, signed_in):
    owner.user.language = "en"
    owner.user.save(update_fields=["language"])
    return signed_in(owner)


def test_complete_identity_with_a_valid_siret_is_verified_and_opens_messaging(owner_client):
    inbox = owner_client.get(reverse("dashboard:message_inbox")).content.decode()
    assert "Messaging is not available yet." in inbox
    assert URL in inbox  # what to do, with the link

    response = owner_client.post(URL, COMPLETE)

    assert response.status_code == 302
    row = BusinessVerification.objects.get()
    assert row.verified_at is not None
    assert row.registration_number == VALID_SIRET
    assert row.country == "FR"
    inbox = owner_client.get(reverse("dashboard:message_inbox")).content.decode()
    assert "Messaging is not available yet." not in inbox


def test_invalid_siret_is_refused_with_the_reason_and_not_verified(owner_client):
    response = owner_client.post(URL, {**COMPLETE, "registration_number": "356 000 000 00049"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a valid SIRET" in html
    assert 'value="Comptoir Martin SARL"' in html  # what was typed stays
    assert BusinessVerification.objects.get().verified_at is None


@pytest.mark.parametrize("missing", ["legal_name", "registration_number", "address", "owner_name"])
def test_incomplete_identity_is_not_verified(owner_client, missing):
    response = owner_client.post(URL, {**COMPLETE, missing: ""})
    assert response.status_code == 400
    assert not BusinessVerification.objects.filter(verified_at__isnull=False).exists()


def test_editing_asks_for_a_valid_identity_again(owner_client):
    owner_client.post(URL, COMPLETE)
    first = BusinessVerification.objects.get().verified_at

    owner_client.post(URL, {**COMPLETE, "registration_number": "123"})
    assert BusinessVerification.objects.get().verified_at is None
    assert (
        "Messaging is not available yet."
        in owner_client.get(reverse("dashboard:message_inbox")).content.decode()
    )

    owner_client.post(URL, {**COMPLETE, "owner_name": "Paul Martin"})
    row = BusinessVerification.objects.get()
    assert row.verified_at is not None and row.verified_at >= first
    assert row.owner_name == "Paul Martin"
    assert BusinessVerification.objects.count() == 1


def test_country_without_a_checker_needs_a_non_empty_number(owner_client):
    shop = get_shop()
    shop.country = "GB"
    shop.save()

    response = owner_client.post(URL, {**COMPLETE, "registration_number": "SC123456"})

    assert response.status_code == 302
    assert BusinessVerification.objects.get().verified_at is not None


def test_other_countries_use_their_stdnum_company_number(owner_client):
    shop = get_shop()
    shop.country = "BE"
    shop.save()

    refused = owner_client.post(URL, {**COMPLETE, "registration_number": "0403019262"})
    assert refused.status_code == 400
    accepted = owner_client.post(URL, {**COMPLETE, "registration_number": "0403.019.261"})
    assert accepted.status_code == 302


def test_only_settings_managers_enter_the_identity(messaging_client):
    response = messaging_client.post(URL, COMPLETE)
    assert response.status_code == 403
    assert not BusinessVerification.objects.exists()
    # The inbox tells them to ask the owner.
    inbox = messaging_client.get(reverse("dashboard:message_inbox")).content.decode()
    assert "Ask the shop's owner" in inbox


def test_settings_manager_may_verify(staff_client):
    client = staff_client(Permission.MANAGE_SETTINGS, user__language="en")
    assert client.post(URL, COMPLETE).status_code == 302
    assert BusinessVerification.objects.get().updated_by == client.member
