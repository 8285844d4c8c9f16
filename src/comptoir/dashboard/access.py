"""Every dashboard view is wrapped by ``staff_view``, which declares the permission
it needs. The declaration is kept on the view (``required_permission``) so a test can
walk every URL under /dashboard/ and prove each one is guarded."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from comptoir.errors import DomainError
from comptoir.shop.models import Shop
from comptoir.team.access import member_of
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User

# Declared by views any active team member may open (the dashboard home).
ANY_STAFF = "any_staff"

P = ParamSpec("P")


class StaffRequest(HttpRequest):
    """A request as a view wrapped by ``staff_view`` gets it, for type checkers only:
    the shop middleware sets ``shop``, django-htmx ``htmx``, and ``staff_view`` lets
    through only a signed-in ``user`` and sets their ``member``."""

    user: User
    member: TeamMember
    shop: Shop
    htmx: HtmxDetails


StaffView = Callable[Concatenate[StaffRequest, P], HttpResponse]
# What the URL resolver calls: any request; staff_view checks it before the view runs.
GuardedView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "dashboard/refused.html", {"message": message}, status=status)


def staff_view(
    permission: Permission | str,
) -> Callable[[StaffView[P]], GuardedView[P]]:
    if permission != ANY_STAFF:
        Permission(permission)  # fail at import time on a typo

    def decorate(view: StaffView[P]) -> GuardedView[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.language:
                translation.activate(request.user.language)
                request.LANGUAGE_CODE = request.user.language
            member = member_of(request.user)
            if member is None:
                return refuse(request, _("This account has no access to the dashboard."))
            if permission != ANY_STAFF and not member.has_permission(permission):
                return refuse(
                    request,
                    _(
                        "You need the “%(permission)s” permission to open this page. "
                        "Ask the owner to add it to your role."
                    )
                    % {"permission": Permission(permission).label},
                )
            # The same object, now known to carry what StaffRequest declares: Django's
            # types cannot say that an attribute was added to a request at run time.
            staff_request = cast(StaffRequest, request)
            staff_request.member = member
            try:
                return view(staff_request, *args, **kwargs)
            except DomainError as error:
                return refuse(request, str(error.message), status=error.status)

        # A function attribute mypy cannot see; read back with getattr by the permission sweep.
        wrapper.required_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate
