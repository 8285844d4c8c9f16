"""Saved cards: kept at the gateway, Comptoir holds only the gateway's reference, brand,
last four digits, expiry and the gateway account the card belongs to.

The gateway is called outside any database transaction (no network I/O while a
transaction is open): the card is kept at the gateway first, then recorded; deleting
removes our row first, then the card at the gateway."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.locks import lock_customer
from comptoir.accounts.models import GatewayCustomer, SavedCard
from comptoir.accounts.services import primary as primary_rows
from comptoir.customers.models import Customer
from comptoir.errors import Conflict, DomainError, NotFound
from comptoir.payments.gateways.base import Gateway, PaymentFailed

logger = logging.getLogger(__name__)


class CardsNotSupported(DomainError):
    code = "cards_not_supported"


def save_card(
    *, customer: Customer, gateway: Gateway, card_token: str, make_primary: bool = False
) -> SavedCard:
    """Keep the tokenized card at the gateway for this customer and record it. The
    customer's reference at that gateway account is created on the first card and reused
    after; the first card becomes the primary one. Raises ``PaymentFailed`` when the
    gateway refuses the card and ``CardsNotSupported`` when it cannot store cards."""
    if not gateway.can_save_cards:
        raise CardsNotSupported(_("This shop cannot save cards right now."))
    if not card_token:
        raise PaymentFailed(_("Enter your card details."), code="invalid_card")
    account = gateway.account
    known = GatewayCustomer.objects.filter(
        customer=customer, gateway=gateway.name, gateway_account=account
    ).first()
    details, reference = gateway.save_card(
        card_token=card_token, customer_reference=known.reference if known else None
    )
    with transaction.atomic():
        # Two saves at once agree on which one is first.
        lock_customer(customer)
        if known is None:
            # A concurrent first save may have created it meanwhile: keep the first one.
            GatewayCustomer.objects.get_or_create(
                customer=customer,
                gateway=gateway.name,
                gateway_account=account,
                defaults={"reference": reference},
            )
        existing = list(
            SavedCard.objects.filter(customer=customer).values_list(
                "pk", "is_primary", "gateway", "gateway_account"
            )
        )
        has_usable_primary = any(
            primary and name == gateway.name and acct == account
            for _pk, primary, name, acct in existing
        )
        primary = make_primary or not has_usable_primary
        if primary:
            SavedCard.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
        try:
            card = SavedCard.objects.create(
                customer=customer,
                gateway=gateway.name,
                gateway_account=account,
                reference=details.token,
                brand=details.brand,
                last4=details.last4,
                exp_month=details.exp_month,
                exp_year=details.exp_year,
                is_primary=primary,
            )
        except IntegrityError as error:  # the same gateway card recorded twice
            raise Conflict(_("This card is already saved.")) from error
    logger.info("Card saved for customer %s: %s ending %s", customer.pk, card.brand, card.last4)
    return card


def make_card_primary(*, customer: Customer, gateway: Gateway, card_id: int) -> SavedCard:
    """Make one of the customer's usable cards the one offered first at checkout."""
    with transaction.atomic():
        lock_customer(customer)
        cards = SavedCard.objects.filter(customer=customer)
        card = primary_rows.find(cards, card_id, _("No such card."))
        if card.gateway != gateway.name or card.gateway_account != gateway.account:
            raise Conflict(_("This card cannot be used with the shop's current payment setup."))
        primary_rows.make_primary(cards, card)
    return card


def delete_card(*, customer: Customer, gateway: Gateway | None, card_id: int) -> None:
    """Delete one of the customer's cards at the gateway, then forget it here. A card
    from another gateway account than the active one cannot be reached at the gateway
    now; it is forgotten here only. When the deleted card was primary, the oldest
    remaining usable card becomes primary. Raises ``PaymentFailed`` (nothing changed)
    when the gateway cannot be reached."""
    card = SavedCard.objects.filter(customer=customer, pk=card_id).first()
    if card is None:
        raise NotFound(_("No such card."))
    # At the gateway first: if it fails, the shopper still sees the card and can retry.
    delete_at_gateway(gateway, card)
    with transaction.atomic():
        lock_customer(customer)
        cards = SavedCard.objects.filter(customer=customer)
        deleted, _counts = cards.filter(pk=card.pk).delete()
        if deleted and card.is_primary and gateway is not None:
            primary_rows.promote_successor(
                cards.filter(gateway=gateway.name, gateway_account=gateway.account)
            )


def delete_at_gateway(gateway: Gateway | None, card: SavedCard) -> None:
    """Delete a card at the gateway when it belongs to the active gateway account
    (deleting there is idempotent, so a retry is safe)."""
    if gateway is None:
        return
    if card.gateway != gateway.name or card.gateway_account != gateway.account:
        logger.warning(
            "Card %s of customer %s forgotten but not deleted at %s/%s (not the active account)",
            card.reference,
            card.customer_id,
            card.gateway,
            card.gateway_account,
        )
        return
    gateway.delete_card(card_token=card.reference)
