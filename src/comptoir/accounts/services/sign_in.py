"""Checking a shopper's email and password at sign-in, under the rate limits of
``attempts``. The storefront view calls django.contrib.auth.login() afterwards (which
rotates the session); this module never touches requests."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from comptoir.accounts.models import SignInAttempt
from comptoir.accounts.selectors import accounts_enabled
from comptoir.accounts.services.attempts import check_not_blocked, record_attempt
from comptoir.customers.models import Customer
from comptoir.errors import DomainError, InvalidInput
from comptoir.users.models import User

PENDING_APPROVAL_MESSAGE = _lazy(
    "Your account awaits the shop's approval. You will receive an email as soon as it "
    "is approved; until then you can still order as a guest."
)


class PendingApproval(DomainError):
    """The password is right but the shop has not approved the account yet."""

    code = "pending_approval"
    status = 403

    def __init__(self) -> None:
        super().__init__(PENDING_APPROVAL_MESSAGE)


class StaffLogin(DomainError):
    """The password is right but the login belongs to the team, not to a shopper."""

    code = "staff_login"


def check_shopper_credentials(*, email: str, password: str, ip_address: str | None) -> User:
    """The shopper's login when ``password`` is right for ``email``.

    Raises TooManyAttempts while the email or address is over its limit, InvalidInput
    ("" key) for a wrong email or password (the same message for both), StaffLogin for a
    team login with no customer record. A record whose account was deleted cannot sign
    in; one pending the shop's approval gets PendingApproval."""
    if not accounts_enabled():
        raise DomainError(_("Customer accounts are not available."), code="accounts_off")
    email = (email or "").strip().lower()
    kind = SignInAttempt.Kind.SIGN_IN
    user = User.objects.filter(email__iexact=email).first() if email else None
    check_not_blocked(
        kind=kind,
        email=email,
        ip_address=ip_address,
        email_since=user.last_login if user is not None else None,
    )
    if user is None:
        make_password(password)  # as slow as a real check: no hint the email is unknown
    if user is None or not user.check_password(password) or not user.is_active:
        record_attempt(kind=kind, email=email, ip_address=ip_address)
        raise InvalidInput({"": _("The email or the password is incorrect.")}, code="bad_login")
    customer = Customer.objects.filter(user=user, account_deleted_at__isnull=True).first()
    if customer is None:
        raise StaffLogin(
            _(
                "This login belongs to the shop's team. Team members sign in to the "
                "dashboard; to shop with an account, sign up with another email address."
            )
        )
    if customer.pending_approval:
        raise PendingApproval()
    return user  # login() then sets last_login, which ends the account's failure count
