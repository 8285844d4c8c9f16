""" "Send password link" from the back office. A customer with an account gets the
usual reset email (accounts.services.passwords). A customer without one gets an
invitation: a signed link, valid 24 hours, to set a password, which creates their
account on this record; the link is spent once the record has a login."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts.selectors import accounts_enabled
from comptoir.accounts.services.passwords import queue_reset_email
from comptoir.accounts.services.signup import create_account
from comptoir.customers.events import record_event
from comptoir.customers.models import Customer, EventKind
from comptoir.customers.selectors import customer_for_staff
from comptoir.errors import DomainError
from comptoir.mail.services import queue_templated_email
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User

INVITATION_SALT = "comptoir.customers.invitation"
INVITATION_MAX_AGE = timedelta(hours=24)


class InvalidInvitation(DomainError):
    code = "invalid_invitation"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This link to set your password has expired or has already been used. "
                "Ask the shop for a new one, or use “Forgot password”."
            )
        )


def refusal_for(customer: Customer) -> str | None:
    """Why no link can be sent to ``customer`` (None: it can)."""
    if not accounts_enabled():
        return _("Customer accounts are turned off: there is no password to set.")
    if customer.user_id is None and not customer.email:
        return _("This customer has no email address to send the link to.")
    return None


def send_password_link(
    *,
    actor: TeamMember,
    customer_id: int,
    reset_link_for: Callable[[str, str], str],
    invitation_link_for: Callable[[str], str],
) -> Customer:
    """Email ``customer`` a single-use, 24-hour link: a password reset when they have an
    account, else an invitation to set a password. The web layer builds the links."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    with transaction.atomic():
        customer = customer_for_staff(actor, customer_id)
        customer = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=customer.pk)
        )
        refusal = refusal_for(customer)
        if refusal:
            raise DomainError(refusal, code="no_password_link")
        if customer.user is not None:
            queue_reset_email(customer=customer, user=customer.user, link_for=reset_link_for)
            record_event(customer, EventKind.PASSWORD_LINK_SENT, actor=actor, link="reset")
            return customer
        assert customer.email  # refusal_for
        token = signing.dumps({"c": customer.pk, "e": customer.email}, salt=INVITATION_SALT)
        queue_templated_email(
            to=customer.email,
            template="account_invitation",
            context={
                "first_name": customer.first_name,
                "invitation_url": invitation_link_for(token),
            },
            language=customer.language or get_shop().published_language,
            kind="account_invitation",
        )
        record_event(customer, EventKind.PASSWORD_LINK_SENT, actor=actor, link="invitation")
    return customer


def customer_for_invitation(token: str) -> Customer:
    """The record an invitation is for, while it still has no account; else
    InvalidInvitation (malformed, older than 24 hours, or already used)."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        raise InvalidInvitation() from None
    customer = Customer.objects.filter(
        pk=data.get("c"), user__isnull=True, email__iexact=data.get("e") or "-"
    ).first()
    if customer is None:
        raise InvalidInvitation()
    return customer


def accept_invitation(*, token: str, password: str, language: str) -> User:
    """Create the account of the invited record with ``password`` (InvalidInput keyed
    "password" when too weak). The record then has a login, which spends the link."""
    with transaction.atomic():
        customer = customer_for_invitation(token)
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.user_id is not None:
            raise InvalidInvitation()
        assert customer.email
        return create_account(
            email=customer.email,
            password=password,
            language=customer.language or language,
            first_name=customer.first_name,
            last_name=customer.last_name,
        )
