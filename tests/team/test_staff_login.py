import pytest
from django.urls import reverse

from comptoir.team.permissions import Permission
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/dashboard/login/"


def sign_in(client, email: str, password: str):
    return client.post(LOGIN, {"username": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_team_member_signs_in_and_reaches_the_dashboard(make_member, client):
    member = make_member(permissions=[Permission.VIEW_ORDERS], user__email="lea@example.com")

    response = sign_in(client, "LEA@example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert int(client.session["_auth_user_id"]) == member.user_id


def test_someone_not_on_the_team_is_refused_with_a_message(client):
    UserFactory(email="shopper@example.com")

    response = sign_in(client, "shopper@example.com", PASSWORD)

    assert response.status_code == 200
    assert "no access to the dashboard" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_member_cannot_sign_in(make_member, owner, client):
    from comptoir.team.services import deactivate_member

    member = make_member(permissions=[], user__email="gone@example.com")
    deactivate_member(actor=owner, member=member)

    response = sign_in(client, "gone@example.com", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_account_is_locked_after_five_failures_even_with_the_right_password(
    make_member, client, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_member(permissions=[], user__email="lea@example.com")

    for _ in range(4):
        failed = sign_in(client, "lea@example.com", "wrong-password")
        assert failed.status_code == 200
        assert "_auth_user_id" not in client.session
    fifth = sign_in(client, "lea@example.com", "wrong-password")
    after = sign_in(client, "lea@example.com", PASSWORD)

    assert fifth.status_code == 429
    assert after.status_code == 429
    assert "Too many failed sign-in attempts" in after.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(make_member, client):
    make_member(permissions=[], user__email="lea@example.com")
    make_member(permissions=[], user__email="marc@example.com")
    for _ in range(5):
        sign_in(client, "lea@example.com", "wrong-password")

    response = sign_in(client, "marc@example.com", PASSWORD)

    assert response.status_code == 302


def test_changing_the_case_of_the_email_does_not_dodge_the_lockout(make_member, client):
    make_member(permissions=[], user__email="lea@example.com")
    for spelling in (
        "lea@example.com",
        "LEA@example.com",
        "Lea@Example.com",
        "lea@EXAMPLE.com",
        "LEA@EXAMPLE.COM",
    ):
        sign_in(client, spelling, "wrong-password")

    response = sign_in(client, "Lea@example.com", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
