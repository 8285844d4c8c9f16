"""Fixtures every test can use: people in each role, signed-in clients (staff and
shoppers), the storefront in English, a query counter."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.customers.models import Customer
from comptoir.shop.models import Shop
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access, TeamMember
from comptoir.team.permissions import Permission
from tests.factories import TeamMemberFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 (the real setting, checked in tests/test_config.py) costs ~50 ms a user and
    # the suite makes thousands.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db) -> TeamMember:
    return TeamMemberFactory(access=Access.OWNER, user__email="owner@example.com")


@pytest.fixture
def make_member(db) -> Callable[..., TeamMember]:
    """``make_member(permissions=[...], locations=[...])`` or ``make_member(access=Access.FULL)``."""

    def make(**kwargs) -> TeamMember:
        return TeamMemberFactory(**kwargs)

    return make


@pytest.fixture
def signed_in() -> Callable[[TeamMember], Client]:
    """A test client signed in as the given team member (or any user)."""

    def sign_in(who) -> Client:
        client = Client()
        client.force_login(getattr(who, "user", who))
        return client

    return sign_in


@pytest.fixture
def shopper_client() -> Callable[[Customer], Client]:
    """A test client signed in as the shopper (the customer record's login); the
    customer is at ``client.customer``."""

    def sign_in(customer: Customer) -> Client:
        client = Client()
        client.force_login(customer.user)
        client.customer = customer  # type: ignore[attr-defined]
        return client

    return sign_in


@pytest.fixture
def english_shop(db) -> Shop:
    """The storefront in English, for assertions on the English source texts."""
    shop = get_shop()
    shop.published_language = "en"
    shop.save(update_fields=["published_language"])
    return shop


@pytest.fixture
def staff_client(make_member, signed_in) -> Callable[..., Client]:
    """``staff_client(Permission.MANAGE_CATALOG)``: a client for a member holding just those."""

    def build(*permissions: Permission, **kwargs) -> Client:
        member = make_member(permissions=list(permissions), **kwargs)
        client = signed_in(member)
        client.member = member  # type: ignore[attr-defined]
        return client

    return build


class QueryCounter:
    def __init__(self) -> None:
        self.context = CaptureQueriesContext(connection)

    def __enter__(self):
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)

    @property
    def count(self) -> int:
        return len(self.context.captured_queries)


@pytest.fixture
def count_queries() -> Callable[[], QueryCounter]:
    return QueryCounter
