"""Creating a shopper's account: a login attached to the customer record with the same
email (found ignoring case, or created), the accepted terms recorded, a welcome email
queued. Used by the sign-up page and by checkout ("create an account while paying")."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.accounts.models import AccountEmail, AccountTerms, TermsAcceptance
from comptoir.accounts.selectors import accounts_enabled
from comptoir.accounts.services.emails import queue_account_email
from comptoir.accounts.services.terms import current_terms
from comptoir.customers.models import Customer
from comptoir.customers.services import find_or_create_for_order, normalise_email
from comptoir.errors import DomainError, InvalidInput
from comptoir.shop.links import absolute_url
from comptoir.users.models import Language, User

ACCOUNT_PATH = "/account/"


def email_has_login(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def create_account(
    *,
    email: str,
    password: str,
    language: str,
    first_name: str = "",
    last_name: str = "",
    accepted_terms: AccountTerms | None = None,
) -> User:
    """Create the login for ``email`` and attach it to its customer record.

    ``accepted_terms`` is the version the shopper was shown and accepted; None records
    the current version in ``language`` (publishing the default text as version 1 when
    the owner has none). Raises InvalidInput keyed by field ("email", "password")."""
    if not accounts_enabled():
        raise DomainError(_("Customer accounts are not available."), code="accounts_off")
    language = language if language in Language.values else Language.FRENCH
    try:
        email = normalise_email(email)
    except DomainError as error:
        raise InvalidInput({"email": error.message}) from None
    if not email:
        raise InvalidInput({"email": _("Enter your email address.")})
    if email_has_login(email):
        raise _already_exists()
    first_name = first_name.strip()[:100]
    last_name = last_name.strip()[:100]
    user = User(
        email=email,
        full_name=f"{first_name} {last_name}".strip()[:150],
        language=language,
    )
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise InvalidInput({"password": " ".join(error.messages)}) from None
    user.set_password(password)

    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Someone created a login with this email a moment ago.
            raise _already_exists() from None
        customer = find_or_create_for_order(
            email=email, first_name=first_name, last_name=last_name, language=language
        )
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.user_id is not None:
            raise _already_exists()
        customer.user = user
        # A record whose earlier account was deleted gets a new one: it is live again.
        customer.account_deleted_at = None
        customer.save(update_fields=["user", "account_deleted_at", "updated_at"])
        terms = accepted_terms or current_terms(language=language)
        TermsAcceptance.objects.create(user=user, terms=terms)
        queue_account_email(
            to=email,
            kind=AccountEmail.Kind.WELCOME,
            language=language,
            first_name=first_name or customer.first_name,
            link=absolute_url(ACCOUNT_PATH),
        )
    return user


def _already_exists() -> InvalidInput:
    return InvalidInput(
        {
            "email": _(
                "An account already exists with this email address. Sign in, or reset "
                "your password if you have forgotten it."
            )
        },
        code="account_exists",
    )
