import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from comptoir.team.models import Access, TeamMember
from comptoir.users.models import User

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_owner", *args, stdout=out)
    return out.getvalue()


def test_creates_the_owner_with_the_given_password():
    output = run(
        "--email", "Patron@Example.com", "--password", "a-long-secret-9", "--name", "Anne Patron"
    )

    owner = TeamMember.objects.select_related("user").get(access=Access.OWNER)
    assert (owner.user.email, owner.user.full_name) == ("patron@example.com", "Anne Patron")
    assert owner.user.check_password("a-long-secret-9")
    assert "patron@example.com" in output


def test_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("COMPTOIR_OWNER_PASSWORD", "from-the-environment-3")

    run("--email", "patron@example.com")

    assert User.objects.get(email="patron@example.com").check_password("from-the-environment-3")


def test_without_a_password_or_a_terminal_it_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("COMPTOIR_OWNER_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="COMPTOIR_OWNER_PASSWORD"):
        run("--email", "patron@example.com")

    assert not TeamMember.objects.exists()


def test_refuses_a_second_owner(owner):
    with translation.override("en"), pytest.raises(CommandError, match="already has an owner"):
        run("--email", "other@example.com", "--password", "a-long-secret-9")

    assert not User.objects.filter(email="other@example.com").exists()


def test_refuses_a_weak_password_with_the_reason():
    with pytest.raises(CommandError, match="password"):
        run("--email", "patron@example.com", "--password", "short")

    assert not TeamMember.objects.exists()


def test_owner_made_by_the_command_can_sign_in(client):
    run("--email", "patron@example.com", "--password", "a-long-secret-9")

    response = client.post(
        "/dashboard/login/", {"username": "patron@example.com", "password": "a-long-secret-9"}
    )

    assert response.status_code == 302
    assert client.get("/dashboard/settings/").status_code == 200
