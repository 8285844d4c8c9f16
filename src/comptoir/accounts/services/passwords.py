"""Forgot password: a single-use link that expires after 24 hours.

Links use Django's PasswordResetTokenGenerator (settings.PASSWORD_RESET_TIMEOUT = 24 h):
the token hashes the password and the last sign-in, so setting a new password (which
also signs in) spends it. Asking for a link answers the same whether or not the email
has an account; requests count against the rate limits per email and per address, for
known and unknown emails alike, so the limit itself tells nothing either."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from comptoir.accounts.models import AccountEmail, SignInAttempt
from comptoir.accounts.selectors import accounts_enabled
from comptoir.accounts.services.attempts import check_not_blocked, record_attempt
from comptoir.accounts.services.emails import queue_account_email
from comptoir.customers.models import Customer
from comptoir.errors import DomainError, InvalidInput
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User


class InvalidResetLink(DomainError):
    code = "invalid_reset_link"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This link to reset your password has expired or has already been used. "
                "Ask for a new one below."
            )
        )


def request_password_reset(
    *, email: str, ip_address: str | None, link_for: Callable[[str, str], str]
) -> None:
    """Email a reset link to the shopper whose account has ``email``; do nothing visible
    otherwise. ``link_for(uidb64, token)`` builds the absolute link (the web layer knows
    the URL). Raises TooManyAttempts over the limits."""
    if not accounts_enabled():
        raise DomainError(_("Customer accounts are not available."), code="accounts_off")
    email = (email or "").strip().lower()
    kind = SignInAttempt.Kind.RESET
    check_not_blocked(kind=kind, email=email, ip_address=ip_address)
    with transaction.atomic():
        record_attempt(kind=kind, email=email, ip_address=ip_address)
        customer = (
            Customer.objects.select_related("user")
            .filter(
                user__email__iexact=email, user__is_active=True, account_deleted_at__isnull=True
            )
            .first()
        )
        if customer is None or customer.user is None:
            return
        queue_reset_email(customer=customer, user=customer.user, link_for=link_for)


def queue_reset_email(
    *, customer: Customer, user: User, link_for: Callable[[str, str], str]
) -> None:
    """Queue the reset email with a fresh single-use link to ``user``'s sign-in email
    (also what the back office's "send password link" sends to a customer with an
    account)."""
    language = user.language or customer.language or get_shop().published_language
    queue_account_email(
        to=user.email,
        kind=AccountEmail.Kind.PASSWORD_RESET,
        language=language,
        first_name=customer.first_name,
        link=link_for(
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ),
    )


def user_for_reset_link(*, uidb64: str, token: str) -> User:
    """The shopper a reset link is for, or InvalidResetLink when it is malformed, expired
    or already used."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        raise InvalidResetLink() from None
    user = User.objects.filter(
        pk=pk, is_active=True, customer__account_deleted_at__isnull=True
    ).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetLink()
    return user


def reset_password(*, uidb64: str, token: str, password: str) -> User:
    """Set a new password through a reset link. The caller signs the shopper in, which
    updates the last sign-in and so spends the link even if this password were reused."""
    with transaction.atomic():
        user = user_for_reset_link(uidb64=uidb64, token=token)
        user = User.objects.select_for_update().get(pk=user.pk)
        if not default_token_generator.check_token(user, token):
            raise InvalidResetLink()  # spent by a request that just committed
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise InvalidInput({"password": " ".join(error.messages)}) from None
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
