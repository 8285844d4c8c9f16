"""Sign-in, sign-out, sign-up and password reset for shoppers (placeholder: being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.storefront.account.access import accounts_on


@accounts_on
def sign_in(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/account/auth/sign_in.html", {})
