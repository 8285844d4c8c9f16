"""/account/invitation/<token>/: a customer the shop invited (back office, "send
password link") sets a password, which creates their account on their record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.accounts.selectors import awaits_approval
from comptoir.accounts.services.sign_in import PENDING_APPROVAL_MESSAGE
from comptoir.customers.password_links import (
    InvalidInvitation,
    accept_invitation,
    customer_for_invitation,
)
from comptoir.errors import DomainError, InvalidInput
from comptoir.storefront.account.access import accounts_on
from comptoir.storefront.account.auth_forms import NewPasswordForm

BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCOUNT_HOME = "/account/"


@accounts_on
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        customer = customer_for_invitation(token)
    except InvalidInvitation as refused:
        return _invalid(request, refused)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                token=token, password=form.cleaned_data["password"], language=get_language()[:2]
            )
        except InvalidInvitation as refused:
            return _invalid(request, refused)
        except InvalidInput as refused:
            form.add_refusal(refused)
        except DomainError as refused:
            return _invalid(request, refused)
        else:
            if awaits_approval(user):
                messages.info(
                    request,
                    _("Your password is set.") + " " + str(PENDING_APPROVAL_MESSAGE),
                )
                return redirect("storefront:account_login")
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready. You are signed in."))
            return redirect(ACCOUNT_HOME)
    return render(
        request,
        "storefront/account/auth/invitation.html",
        {"form": form, "email": customer.email},
    )


def _invalid(request: HttpRequest, refused: DomainError) -> HttpResponse:
    return render(
        request,
        "storefront/account/auth/invitation_invalid.html",
        {"message": refused.message},
        status=400,
    )
