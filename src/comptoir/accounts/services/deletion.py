"""Deleting a shopper's account. The login goes, with the saved cards (at the gateway
too), addresses, contact details, gateway references and the account's cart. The
customer record and its orders stay with the merchant for its records: orders are only
detached from the deleted login, so they no longer show in any account."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import (
    ContactEmail,
    ContactPhone,
    GatewayCustomer,
    SavedAddress,
    SavedCard,
)
from comptoir.accounts.services.cards import delete_at_gateway
from comptoir.customers.models import Customer
from comptoir.errors import Conflict, InvalidInput
from comptoir.orders.models import Order
from comptoir.payments.gateways.base import Gateway
from comptoir.team.models import TeamMember
from comptoir.users.models import User

logger = logging.getLogger(__name__)


def delete_account(*, customer: Customer, password: str, gateway: Gateway | None) -> None:
    """Delete the customer's account after checking their password (``InvalidInput`` on
    the ``password`` field otherwise, nothing changed). ``gateway`` is the active one
    (None when it cannot be reached by configuration): cards of that gateway account are
    deleted there first; a ``PaymentFailed`` from it stops everything, to be retried
    (deleting at the gateway is idempotent)."""
    user = customer.user
    if user is None:
        raise Conflict(_("This account is already deleted."))
    if not password or not user.check_password(password):
        raise InvalidInput({"password": _("This password is not right.")})
    if TeamMember.objects.filter(user=user).exists():
        raise Conflict(_("This login also belongs to the shop's team: ask the owner."))
    # At the gateway first, outside any transaction (network I/O).
    for card in SavedCard.objects.filter(customer=customer):
        delete_at_gateway(gateway, card)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.user_id != user.pk:
            raise Conflict(_("This account is already deleted."))
        for model in (SavedCard, GatewayCustomer, SavedAddress, ContactPhone, ContactEmail):
            model.objects.filter(customer=customer).delete()
        Order.objects.filter(account=user).update(account=None)
        Customer.objects.filter(pk=customer.pk).update(user=None, account_deleted_at=timezone.now())
        # Cascades to the account's cart and terms acceptances.
        User.objects.filter(pk=user.pk).delete()
    customer.user = None
    logger.info("Account of customer %s deleted", customer.pk)
