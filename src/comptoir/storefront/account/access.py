"""The gate in front of every customer-account page: accounts must be turned on, and
account pages need a signed-in shopper whose login is attached to a customer record.
Views behind ``account_page`` read ``request.customer``: every lookup they make starts
from it, so a shopper can only ever reach their own orders, cards and addresses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from comptoir.accounts.selectors import accounts_enabled, customer_of
from comptoir.accounts.services.sign_in import PENDING_APPROVAL_MESSAGE

View = Callable[..., HttpResponse]


def accounts_unavailable(request: HttpRequest) -> HttpResponse:
    """What sign-in, sign-up and account URLs answer while the owner has accounts off."""
    return render(request, "storefront/account/unavailable.html", status=404)


def accounts_on(view: View) -> View:
    """For pages that need accounts turned on but no sign-in (sign-in, sign-up, reset)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not accounts_enabled():
            return accounts_unavailable(request)
        return view(request, *args, **kwargs)

    return wrapper


def account_page(view: View) -> View:
    """For the signed-in shopper's own pages; sets ``request.customer``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not accounts_enabled():
            return accounts_unavailable(request)
        customer = customer_of(request.user)
        if customer is not None and customer.pending_approval:
            # Put on hold after signing in: out, and told why on the sign-in page.
            logout(request)
            messages.info(request, str(PENDING_APPROVAL_MESSAGE))
            customer = None
        if customer is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('storefront:account_login')}?{query}")
        request.customer = customer  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
