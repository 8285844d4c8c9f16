"""Every dashboard view is wrapped by ``staff_view``, which declares the permission
it needs. The declaration is kept on the view (``required_permission``) so a test can
walk every URL under /dashboard/ and prove each one is guarded."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.errors import DomainError
from comptoir.team.access import member_of
from comptoir.team.permissions import Permission

# Declared by views any active team member may open (the dashboard home).
ANY_STAFF = "any_staff"

View = Callable[..., HttpResponse]


def refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "dashboard/refused.html", {"message": message}, status=status)


def staff_view(permission: Permission | str) -> Callable[[View], View]:
    if permission != ANY_STAFF:
        Permission(permission)  # fail at import time on a typo

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.language:
                translation.activate(request.user.language)
                request.LANGUAGE_CODE = request.user.language  # type: ignore[attr-defined]
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
            request.member = member  # type: ignore[attr-defined]
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                return refuse(request, str(error.message), status=error.status)

        wrapper.required_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate
