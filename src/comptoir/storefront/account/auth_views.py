"""Sign-in, sign-out, sign-up and password reset for shoppers. Thin: the forms check
the shape of the input, ``comptoir.accounts.services`` decide; these views sign in
(django.contrib.auth.login rotates the session) and keep the visitor's cart."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.accounts.selectors import awaits_approval, customer_of
from comptoir.accounts.services.attempts import TooManyAttempts
from comptoir.accounts.services.passwords import (
    InvalidResetLink,
    request_password_reset,
    user_for_reset_link,
)
from comptoir.accounts.services.passwords import (
    reset_password as reset_password_service,
)
from comptoir.accounts.services.sign_in import PENDING_APPROVAL_MESSAGE, check_shopper_credentials
from comptoir.accounts.services.signup import create_account
from comptoir.accounts.services.terms import terms_text_for, terms_version
from comptoir.errors import DomainError, InvalidInput
from comptoir.shop.links import absolute_url
from comptoir.shop.selectors import get_shop
from comptoir.storefront.account.access import accounts_on
from comptoir.storefront.account.auth_forms import (
    AccessibleErrorsForm,
    ForgotPasswordForm,
    NewPasswordForm,
    SignInForm,
    SignUpForm,
)
from comptoir.storefront.account.client_address import client_address
from comptoir.storefront.cart_session import keep_cart_after_sign_in, session_cart
from comptoir.users.models import User

# Shoppers are checked by accounts.services.sign_in, not by authenticate(): the staff
# lockout (django-axes) stays the dashboard's own.
BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCOUNT_HOME = "/account/"
TOO_MANY = 429


@accounts_on
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method == "GET" and customer_of(request.user) is not None:
        return redirect(next_url)
    form = SignInForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = check_shopper_credentials(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip_address=client_address(request),
            )
        except DomainError as refused:  # wrong credentials, too many attempts, a team login...
            status = _show_refusal(form, refused)
        else:
            return _signed_in(request, user, next_url)
    return render(
        request,
        "storefront/account/auth/sign_in.html",
        {"form": form, "next": _next_param(request)},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST only (a link could sign people out from another site). Works even while
    accounts are off, so nobody stays signed in against their will."""
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("storefront:home")


@accounts_on
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method == "GET" and customer_of(request.user) is not None:
        return redirect(next_url)
    language = request.LANGUAGE_CODE
    terms, terms_text = terms_text_for(language)
    form = SignUpForm(_posted(request), initial={"terms_version": terms.version if terms else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_account(
                email=data["email"],
                password=data["password"],
                language=language,
                first_name=data["first_name"],
                last_name=data["last_name"],
                accepted_terms=terms_version(language=language, version=data["terms_version"]),
            )
        except DomainError as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Welcome! Your account is ready."))
            return _signed_in(request, user, next_url)
    return render(
        request,
        "storefront/account/auth/sign_up.html",
        {"form": form, "terms_text": terms_text, "next": _next_param(request)},
    )


@accounts_on
@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(_posted(request), initial={"email": request.GET.get("email")})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            request_password_reset(
                email=form.cleaned_data["email"],
                ip_address=client_address(request),
                link_for=lambda uidb64, token: absolute_url(
                    reverse("storefront:account_password_reset", args=[uidb64, token]), request
                ),
            )
        except DomainError as refused:
            status = _show_refusal(form, refused)
        else:
            # The same answer whether or not the email has an account.
            return redirect("storefront:account_password_forgot_sent")
    return render(
        request, "storefront/account/auth/forgot_password.html", {"form": form}, status=status
    )


@accounts_on
def forgot_password_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/account/auth/forgot_password_sent.html")


@accounts_on
@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user_for_reset_link(uidb64=uidb64, token=token)
    except InvalidResetLink as refused:
        return _invalid_link(request, refused)
    form = NewPasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = reset_password_service(
                uidb64=uidb64, token=token, password=form.cleaned_data["password"]
            )
        except InvalidResetLink as refused:
            return _invalid_link(request, refused)
        except InvalidInput as refused:
            form.add_refusal(refused)
        else:
            if awaits_approval(user):
                messages.info(
                    request,
                    _("Your password is changed.") + " " + str(PENDING_APPROVAL_MESSAGE),
                )
                return redirect("storefront:account_login")
            messages.success(request, _("Your password is changed. You are signed in."))
            return _signed_in(request, user, ACCOUNT_HOME)
    return render(request, "storefront/account/auth/reset_password.html", {"form": form})


def _invalid_link(request: HttpRequest, refused: InvalidResetLink) -> HttpResponse:
    return render(
        request,
        "storefront/account/auth/reset_link_invalid.html",
        {"message": refused.message, "form": ForgotPasswordForm()},
        status=400,
    )


def _show_refusal(form: AccessibleErrorsForm, refused: DomainError) -> int:
    """Shows a service's refusal in the form; the page's status: 429 when the visitor
    must wait (too many attempts), 200 otherwise."""
    form.add_refusal(refused)
    return TOO_MANY if isinstance(refused, TooManyAttempts) else 200


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on POST (even an empty one, so its fields say what is missing)."""
    return request.POST if request.method == "POST" else None


def _signed_in(request: HttpRequest, user: User, next_url: str) -> HttpResponseRedirect:
    # Read before login(): login() rotates the session and the visitor's cart must follow.
    cart_before = session_cart(request)
    login(request, user, backend=BACKEND)
    keep_cart_after_sign_in(request, cart_before, user)
    response = redirect(next_url)
    if user.language and user.language in get_shop().languages:
        # The shopper's language preference follows them to this browser (as if they had
        # used the header's language switch).
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _next_param(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return candidate if _is_safe(request, candidate) else ""


def _next_url(request: HttpRequest) -> str:
    return _next_param(request) or ACCOUNT_HOME


def _is_safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
