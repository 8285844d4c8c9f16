"""Every URL under /dashboard/ declares the permission it needs and refuses, with a 403
and no change to any table, whoever lacks it.

The URL patterns are walked at collection time, so a view added by a later issue is
swept without touching this file (unless its URL takes a new kind of object id: then
the test says which mapping to add to ``KWARG_KINDS`` / ``MAKERS`` below).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from comptoir.dashboard import urls as dashboard_urls
from comptoir.dashboard.access import ANY_STAFF
from comptoir.orders.counter import PaymentChoice, place_counter_order
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access
from comptoir.team.permissions import Permission, expand
from tests.factories import (
    CategoryFactory,
    CustomerFactory,
    LocationFactory,
    ProductFactory,
    RoleFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.orders.factories import checkout, stocked

pytestmark = pytest.mark.django_db

LOGIN_URL = "/dashboard/login/"


@dataclass(frozen=True)
class DashboardView:
    name: str  # "dashboard:product_edit"
    callback: Callable
    kwargs: tuple[str, ...]

    @property
    def permission(self) -> str | None:
        return getattr(self.callback, "required_permission", None)

    def __str__(self) -> str:
        return self.name


def walk(patterns: list, namespace: str) -> Iterator[DashboardView]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = (
                f"{namespace}:{entry.name}"
                if entry.name
                else f"{namespace}:<unnamed {entry.pattern}>"
            )
            yield DashboardView(name, entry.callback, tuple(entry.pattern.regex.groupindex))


ALL_VIEWS = [
    view
    for view in walk(dashboard_urls.urlpatterns, dashboard_urls.app_name)
    if view.name.split(":")[-1] not in dashboard_urls.PUBLIC_URL_NAMES
]
PERMISSION_VIEWS = [view for view in ALL_VIEWS if view.permission not in (None, ANY_STAFF)]


# -- URL arguments: a real object of the right kind for each kwarg ----------------------

# kwarg name -> kind of object. ``pk``, ``id`` and ``slug`` take their kind from the URL
# name ("product_edit" -> product), see NAME_HINTS.
KWARG_KINDS = {
    "product_id": "product",
    "category_id": "category",
    "location_id": "location",
    "member_id": "member",
    "role_id": "role",
    "user_id": "user",
    "task_id": "task",
    "result_id": "task",  # a django-tasks result row (DBTaskResult)
    "email_id": "email",
    "customer_id": "customer",
    "partner_id": "partner",
    "partner_order_id": "partner_order",
    "item_id": "partner_item",
    "order_id": "order",
    "table_id": "table",
    "link_id": "payment_link",
}
GENERIC_KWARGS = {"pk", "id", "slug"}
# Words in a URL name that tell the kind of its pk; the last one in the name wins
# ("product_availability" -> product). Aliases are tried only when no kind word is there.
KIND_WORDS = [
    "product",
    "category",
    "location",
    "member",
    "role",
    "user",
    "task",
    "email",
    "station",
    "ticket",
]
ALIASES = {"team": "member", "job": "task", "outbox": "email", "mail": "email"}


def make_task():
    result_model = apps.get_model("django_tasks_database", "DBTaskResult")
    return result_model.objects.create(
        status="FAILED",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="comptoir.jobs.tasks.example",
        backend_name="default",
        queue_name="default",
        run_after=datetime.now(UTC),
        exception_class_path="builtins.RuntimeError",
        traceback="RuntimeError: boom",
    )


def make_email():
    email_model = apps.get_model("mail", "OutgoingEmail")
    return email_model.objects.create(
        to_address="client@example.com", subject="Bonjour", text_body="Bonjour", language="fr"
    )


def make_station():
    station_model = apps.get_model("stations", "Station")
    return station_model.objects.create(
        location=LocationFactory(), name="Kitchen", printer_host="127.0.0.1", is_fallback=True
    )


def make_ticket():
    station = make_station()
    order = checkout(station.location, [(stocked(station.location), 1)])
    ticket_model = apps.get_model("stations", "Ticket")
    return ticket_model.objects.create(order=order, station=station, revision=1, state="failed")


_partners = itertools.count(1)


def make_partner():
    partner_model = apps.get_model("partners", "Partner")
    number = next(_partners)
    return partner_model.objects.create(
        name=f"Livreo {number}",
        slug=f"livreo-{number}",
        secret="whsec_sweep",
        location=LocationFactory(),
    )


def make_partner_order():
    location = LocationFactory()
    order = checkout(location, [(stocked(location), 1)])
    order.source = "partner"
    order.save(update_fields=["source"])
    partner = make_partner()
    partner.location = location
    partner.save(update_fields=["location"])
    return apps.get_model("partners", "PartnerOrder").objects.create(
        order=order, partner=partner, external_id="ext-1"
    )


def make_partner_item():
    partner = make_partner()
    return apps.get_model("partners", "PartnerItem").objects.create(
        partner=partner, external_id="burger", product=stocked(partner.location)
    )


def make_order():
    location = LocationFactory()
    return checkout(location, [(stocked(location), 1)])


def make_payment_link():
    location = LocationFactory()
    return place_counter_order(
        actor=TeamMemberFactory(access=Access.FULL),
        idempotency_key=f"sweep-{location.pk}",
        location=location,
        lines=[(stocked(location), 1)],
        customer=CustomerFactory(),
        fulfilment=None,
        payment=PaymentChoice.CARD_LINK,
    )


MAKERS: dict[str, Callable] = {
    "payment_link": make_payment_link,
    "partner": make_partner,
    "partner_order": make_partner_order,
    "partner_item": make_partner_item,
    "product": ProductFactory,
    "category": CategoryFactory,
    "location": LocationFactory,
    "member": lambda: TeamMemberFactory(access=Access.FULL),
    "role": RoleFactory,
    "user": UserFactory,
    "task": make_task,
    "email": make_email,
    "customer": CustomerFactory,
    "station": make_station,
    "ticket": make_ticket,
    "order": make_order,
    "table": lambda: apps.get_model("tables", "Table").objects.create(
        location=LocationFactory(), label="4"
    ),
}


def kind_of(view: DashboardView, kwarg: str) -> str:
    if kwarg in KWARG_KINDS:
        return KWARG_KINDS[kwarg]
    url_name = view.name.split(":")[-1]
    if kwarg in GENERIC_KWARGS:
        words = re.split(r"[_\-]", url_name)
        kinds = [w for w in words if w in KIND_WORDS]
        if kinds:
            return kinds[-1]
        aliases = [ALIASES[w] for w in words if w in ALIASES]
        if aliases:
            return aliases[-1]
    pytest.fail(
        f"{view.name}: the permission sweep does not know what object the URL argument "
        f"{kwarg!r} names. Add it to KWARG_KINDS (or the URL name's noun to KIND_WORDS/ALIASES) "
        f"and, for a new kind, a maker to MAKERS in tests/dashboard/test_permission_sweep.py."
    )


def url_of(view: DashboardView) -> str:
    kwargs = {}
    for kwarg in view.kwargs:
        kind = kind_of(view, kwarg)
        obj = MAKERS[kind]()
        kwargs[kwarg] = obj.slug if kwarg.endswith("slug") else obj.pk
    return reverse(view.name, kwargs=kwargs)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def every_permission_but(permission: Permission) -> list[Permission]:
    """All permissions except ``permission`` and those that imply it."""
    return [p for p in Permission if permission not in expand({p.value})]


def refused(view: DashboardView, client: Client, url: str) -> list[str]:
    """Problems found when ``client`` GETs and POSTs ``url``, which must refuse it (403)."""
    problems = []
    before = row_counts()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code != 403:
            hint = (
                " (is @staff_view the outermost decorator?)" if response.status_code == 405 else ""
            )
            problems.append(
                f"{method.upper()} {url} answered {response.status_code}, not 403{hint}"
            )
    after = row_counts()
    changed = {label: (n, after[label]) for label, n in before.items() if after[label] != n}
    if changed:
        problems.append(f"rows changed although access was refused: {changed}")
    return problems


# -- the sweep ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _shop_exists(db):
    # The shop row is made on first read; make it before the row counts are taken.
    get_shop()


def test_sweep_finds_the_dashboard_views():
    names = {view.name for view in ALL_VIEWS}
    assert "dashboard:home" in names
    declared = {p.name for p in dashboard_urls.urlpatterns if isinstance(p, URLPattern)}
    assert declared >= dashboard_urls.PUBLIC_URL_NAMES, "PUBLIC_URL_NAMES names a missing URL"


@pytest.mark.parametrize("view", ALL_VIEWS, ids=str)
def test_every_dashboard_view_declares_its_permission(view):
    assert ":<unnamed" not in view.name, f"{view.name}: give every dashboard URL a name"
    assert view.permission is not None, (
        f"{view.name} is not wrapped by @staff_view(Permission.X) or @staff_view(ANY_STAFF)"
    )
    assert view.permission == ANY_STAFF or view.permission in Permission.values


@pytest.mark.parametrize("view", ALL_VIEWS, ids=str)
def test_anonymous_visitor_is_sent_to_staff_sign_in(view, client):
    url = url_of(view)
    before = row_counts()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
        assert response["Location"].startswith(LOGIN_URL)
    assert row_counts() == before


@pytest.mark.parametrize("who", ["customer", "deactivated member"])
@pytest.mark.parametrize("view", ALL_VIEWS, ids=str)
def test_signed_in_non_staff_is_refused(view, who, signed_in):
    if who == "customer":
        person = UserFactory()
    else:
        person = TeamMemberFactory(access=Access.FULL, is_active=False).user
    problems = refused(view, signed_in(person), url_of(view))
    assert not problems, f"{view.name} for a {who}: " + "; ".join(problems)


@pytest.mark.parametrize(
    "view",
    PERMISSION_VIEWS or [pytest.param(None, id="no-view-declares-a-permission-yet")],
    ids=str,
)
def test_member_lacking_only_the_required_permission_is_refused(view, make_member, signed_in):
    if view is None:  # nothing to sweep yet, and that is itself checked:
        assert all(v.permission == ANY_STAFF for v in ALL_VIEWS)
        return
    required = Permission(view.permission)
    member = make_member(permissions=every_permission_but(required))
    assert not member.has_permission(required)
    problems = refused(view, signed_in(member), url_of(view))
    assert not problems, f"{view.name} for a member without {required.value}: " + "; ".join(
        problems
    )
