import pytest

from comptoir.team.models import Access

pytestmark = pytest.mark.django_db


def test_storefront_home_renders_with_shop_name(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Comptoir" in response.content


def test_dashboard_home_needs_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/")


def test_owner_sees_dashboard_home(make_member, signed_in):
    member = make_member(access=Access.OWNER)
    response = signed_in(member).get("/dashboard/")
    assert response.status_code == 200
