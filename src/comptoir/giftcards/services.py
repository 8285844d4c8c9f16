"""Everything that changes a gift card: one function per activity, each in one
transaction, each writing one ledger row (``GiftCardActivity``) with the balance after it.

- Idempotency: every call takes a key. The same key with the same request returns the
  row written the first time (no second row, whatever the card's balance is now); the
  same key with a different request is refused (``IdempotencyConflict``).
- The balance never goes below zero: the card row is locked (``giftcards.locks``)
  before it is read, so two redemptions at once run one after the other; a database
  constraint is the last guard.
- States are data (``ALLOWED``): pending cards can only be activated, deactivated ones
  nothing more.
- Staff actions need the "Manage gift cards" permission; redeem, load and refund may
  also be called by checkout and order refunds without a staff member (``actor=None``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.customers.models import Customer
from comptoir.errors import Conflict, DomainError, InvalidInput
from comptoir.giftcards import codes
from comptoir.giftcards.locks import lock_card, lock_card_by_code
from comptoir.giftcards.models import (
    ActivityKind,
    AdjustmentReason,
    GiftCard,
    GiftCardActivity,
    GiftCardKind,
    GiftCardState,
)
from comptoir.giftcards.tasks import deliver_gift_card
from comptoir.jobs.dispatch import deferred, enqueue_after_commit
from comptoir.orders.models import Order
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import Language

# What a card may go through in each state (Square's: pending -> active -> deactivated).
ALLOWED: dict[str, frozenset[str]] = {
    GiftCardState.PENDING: frozenset({ActivityKind.ACTIVATE}),
    GiftCardState.ACTIVE: frozenset(
        {
            ActivityKind.LOAD,
            ActivityKind.REDEEM,
            ActivityKind.ADJUST_UP,
            ActivityKind.ADJUST_DOWN,
            ActivityKind.CLEAR_BALANCE,
            ActivityKind.REFUND,
            ActivityKind.DEACTIVATE,
        }
    ),
    GiftCardState.DEACTIVATED: frozenset(),
}

# Which reasons explain which direction of adjustment (Square's lists, in the issue's words).
REASONS_UP = frozenset(
    {
        AdjustmentReason.COMPLIMENTARY,
        AdjustmentReason.SUPPORT_ISSUE,
        AdjustmentReason.TRANSACTION_VOIDED,
    }
)
REASONS_DOWN = frozenset(
    {
        AdjustmentReason.SUSPICIOUS_ACTIVITY,
        AdjustmentReason.BALANCE_ADDED_BY_MISTAKE,
        AdjustmentReason.SUPPORT_ISSUE,
        AdjustmentReason.PURCHASE_REFUNDED,
    }
)

# 10 million in minor units of the largest currency unit: far above any card, far below
# what the columns hold, so sums never overflow.
MAX_BALANCE = 1_000_000_000
# E-gift cards are emailed at this local time on their delivery date.
DELIVERY_TIME = time(9, 0)


class IdempotencyConflict(DomainError):
    code = "idempotency_key_reused"
    status = 409


# --- the activities ---------------------------------------------------------------------


def activate_physical(
    *,
    actor: TeamMember,
    code: str,
    amount: int,
    idempotency_key: str,
    customer: Customer | None = None,
) -> GiftCardActivity:
    """Activate the pre-printed card ``code`` (typed by staff) with ``amount`` on it.
    The card is created if the shop never registered it; a pending one is activated."""
    require(actor, Permission.MANAGE_GIFT_CARDS)
    normalised = codes.validate_physical(code)
    _check_amount(amount)
    fingerprint = _fingerprint(
        "activate_physical",
        code=normalised,
        amount=amount,
        customer=customer.pk if customer else None,
    )

    def write() -> GiftCardActivity:
        card = lock_card_by_code(normalised)
        if card is None:
            card = GiftCard.objects.create(
                code=normalised,
                kind=GiftCardKind.PHYSICAL,
                state=GiftCardState.PENDING,
                currency=get_shop().currency,
                customer=customer,
            )
        elif (replayed := _replayed(idempotency_key, fingerprint)) is not None:
            return replayed
        if card.kind != GiftCardKind.PHYSICAL:
            raise Conflict(_("This code belongs to an e-gift card."), code="card_kind")
        if card.state == GiftCardState.ACTIVE:
            raise Conflict(_("This card is already active."), code="card_state")
        _check_allowed(card, ActivityKind.ACTIVATE)
        changes: dict[str, Any] = {"state": GiftCardState.ACTIVE, "activated_at": timezone.now()}
        if customer is not None:
            changes["customer"] = customer
        return _record(
            card,
            ActivityKind.ACTIVATE,
            amount=amount,
            balance_after=amount,
            actor=actor,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            **changes,
        )

    try:
        return _idempotent(idempotency_key, fingerprint, write)
    except IntegrityError:
        # Another member activated the same new code at the same instant, with another key.
        raise Conflict(_("This card is already active."), code="card_state") from None


def issue_digital(
    *,
    amount: int,
    idempotency_key: str,
    recipient_name: str,
    recipient_email: str,
    delivery_date: date | None = None,
    sender_name: str = "",
    message: str = "",
    language: str = "",
    customer: Customer | None = None,
    order: Order | None = None,
    actor: TeamMember | None = None,
) -> GiftCardActivity:
    """An e-gift card bought for ``amount``: created active with a new random code, and
    emailed to the recipient on ``delivery_date`` (today or earlier, or None: at once).

    The email is a background task enqueued after commit with django-tasks' ``run_after``
    set to 09:00 shop time on the delivery date; the task writes the outbox email and
    stamps ``delivered_at``, once (see ``giftcards.delivery``)."""
    if actor is not None:
        require(actor, Permission.MANAGE_GIFT_CARDS)
    _check_amount(amount)
    recipient_email = (recipient_email or "").strip()
    recipient_name = (recipient_name or "").strip()
    errors: dict[str, str] = {}
    try:
        validate_email(recipient_email)
    except ValidationError:
        errors["recipient_email"] = _("Enter the recipient's email address.")
    if len(recipient_name) > 200:
        errors["recipient_name"] = _("The recipient's name is too long.")
    if len(sender_name) > 200:
        errors["sender_name"] = _("The sender's name is too long.")
    if len(message) > 1000:
        errors["message"] = _("The message can have up to 1,000 characters.")
    if errors:
        raise InvalidInput(errors, code="invalid_gift_card")
    shop = get_shop()
    if language not in Language.values:
        language = shop.published_language
    fingerprint = _fingerprint(
        "issue_digital",
        amount=amount,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        delivery_date=delivery_date.isoformat() if delivery_date else None,
        sender_name=sender_name,
        message=message,
        language=language,
        customer=customer.pk if customer else None,
        order=order.pk if order else None,
    )

    def write() -> GiftCardActivity:
        card = GiftCard.objects.create(
            code=_unused_code(),
            kind=GiftCardKind.DIGITAL,
            state=GiftCardState.ACTIVE,
            currency=shop.currency,
            customer=customer,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            sender_name=sender_name.strip(),
            message=message.strip(),
            language=language,
            delivery_date=delivery_date,
            activated_at=timezone.now(),
        )
        activity = _record(
            card,
            ActivityKind.ACTIVATE,
            amount=amount,
            balance_after=amount,
            actor=actor,
            order=order,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
        run_after = delivery_moment(delivery_date, shop.time_zone)
        enqueue_after_commit(deferred(deliver_gift_card, run_after), card.pk)
        return activity

    return _idempotent(idempotency_key, fingerprint, write)


def load(
    *,
    card: GiftCard,
    amount: int,
    idempotency_key: str,
    order: Order | None = None,
    actor: TeamMember | None = None,
) -> GiftCardActivity:
    """Add ``amount`` to an active card (a reload sold at the counter or online)."""
    if actor is not None:
        require(actor, Permission.MANAGE_GIFT_CARDS)
    _check_amount(amount)
    fingerprint = _fingerprint(
        "load", card=card.pk, amount=amount, order=order.pk if order else None
    )
    return _change_balance(
        card, ActivityKind.LOAD, +amount, idempotency_key, fingerprint, actor=actor, order=order
    )


def redeem(
    *,
    card: GiftCard,
    amount: int,
    idempotency_key: str,
    order: Order | None = None,
    actor: TeamMember | None = None,
) -> GiftCardActivity:
    """Take ``amount`` off the card to pay (part of) ``order``; refused beyond the balance."""
    if actor is not None:
        require(actor, Permission.MANAGE_GIFT_CARDS)
    _check_amount(amount)
    fingerprint = _fingerprint(
        "redeem", card=card.pk, amount=amount, order=order.pk if order else None
    )
    return _change_balance(
        card, ActivityKind.REDEEM, -amount, idempotency_key, fingerprint, actor=actor, order=order
    )


def adjust(
    *,
    actor: TeamMember,
    card: GiftCard,
    kind: ActivityKind | str,
    amount: int,
    reason: AdjustmentReason | str,
    idempotency_key: str,
) -> GiftCardActivity:
    """Correct the balance up (``ActivityKind.ADJUST_UP``) or down (``ADJUST_DOWN``) by
    ``amount``, for a reason from the fixed list that fits the direction."""
    require(actor, Permission.MANAGE_GIFT_CARDS)
    if kind not in (ActivityKind.ADJUST_UP, ActivityKind.ADJUST_DOWN):
        raise ValueError(f"adjust() takes ADJUST_UP or ADJUST_DOWN, not {kind!r}")
    _check_amount(amount)
    up = kind == ActivityKind.ADJUST_UP
    if reason not in AdjustmentReason.values:
        raise InvalidInput({"reason": _("Choose a reason from the list.")}, code="invalid_reason")
    if reason not in (REASONS_UP if up else REASONS_DOWN):
        message = (
            _("“%(reason)s” is not a reason to add to a balance.")
            if up
            else _("“%(reason)s” is not a reason to take from a balance.")
        )
        raise InvalidInput(
            {"reason": message % {"reason": AdjustmentReason(reason).label}},
            code="invalid_reason",
        )
    fingerprint = _fingerprint(str(kind), card=card.pk, amount=amount, reason=str(reason))
    return _change_balance(
        card,
        ActivityKind(kind),
        amount if up else -amount,
        idempotency_key,
        fingerprint,
        actor=actor,
        reason=str(reason),
    )


def clear_balance(
    *,
    actor: TeamMember,
    card: GiftCard,
    idempotency_key: str,
    reason: AdjustmentReason | str = "",
) -> GiftCardActivity:
    """Bring the balance to zero (the card stays active and can be loaded again)."""
    require(actor, Permission.MANAGE_GIFT_CARDS)
    if reason and reason not in AdjustmentReason.values:
        raise InvalidInput({"reason": _("Choose a reason from the list.")}, code="invalid_reason")
    fingerprint = _fingerprint("clear_balance", card=card.pk, reason=str(reason))

    def write() -> GiftCardActivity:
        locked = lock_card(card.pk)
        if (replayed := _replayed(idempotency_key, fingerprint)) is not None:
            return replayed
        _check_allowed(locked, ActivityKind.CLEAR_BALANCE)
        if locked.balance == 0:
            raise Conflict(_("The balance is already zero."), code="nothing_to_clear")
        return _record(
            locked,
            ActivityKind.CLEAR_BALANCE,
            amount=locked.balance,
            balance_after=0,
            actor=actor,
            reason=str(reason),
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )

    return _sync(card, _idempotent(idempotency_key, fingerprint, write))


def refund(
    *,
    card: GiftCard,
    amount: int,
    order: Order,
    idempotency_key: str,
    actor: TeamMember | None = None,
) -> GiftCardActivity:
    """Return ``amount`` of a cancelled or refunded ``order`` to the card that paid it."""
    if actor is not None:
        require(actor, Permission.MANAGE_GIFT_CARDS)
    if order is None:
        raise ValueError("refund() needs the order being refunded")
    _check_amount(amount)
    fingerprint = _fingerprint("refund", card=card.pk, amount=amount, order=order.pk)
    return _change_balance(
        card, ActivityKind.REFUND, +amount, idempotency_key, fingerprint, actor=actor, order=order
    )


def deactivate(*, actor: TeamMember, card: GiftCard, idempotency_key: str) -> GiftCardActivity:
    """Deactivate for good: no activity is accepted afterwards. The balance is left as it
    was (the ledger shows what was on the card when it was stopped)."""
    require(actor, Permission.MANAGE_GIFT_CARDS)
    fingerprint = _fingerprint("deactivate", card=card.pk)

    def write() -> GiftCardActivity:
        locked = lock_card(card.pk)
        if (replayed := _replayed(idempotency_key, fingerprint)) is not None:
            return replayed
        _check_allowed(locked, ActivityKind.DEACTIVATE)
        return _record(
            locked,
            ActivityKind.DEACTIVATE,
            amount=0,
            balance_after=locked.balance,
            actor=actor,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            state=GiftCardState.DEACTIVATED,
            deactivated_at=timezone.now(),
        )

    return _sync(card, _idempotent(idempotency_key, fingerprint, write))


def delivery_moment(delivery_date: date | None, time_zone: str) -> datetime | None:
    """When an e-gift card for ``delivery_date`` is emailed: None for now (no date, or
    a date already here), else 09:00 shop time that day."""
    if delivery_date is None:
        return None
    zone = ZoneInfo(time_zone)
    if delivery_date <= timezone.localdate(timezone.now(), zone):
        return None
    return datetime.combine(delivery_date, DELIVERY_TIME, tzinfo=zone)


# --- the machinery ----------------------------------------------------------------------


def _change_balance(
    card: GiftCard,
    kind: ActivityKind,
    delta: int,
    idempotency_key: str,
    fingerprint: str,
    *,
    actor: TeamMember | None,
    order: Order | None = None,
    reason: str = "",
) -> GiftCardActivity:
    def write() -> GiftCardActivity:
        locked = lock_card(card.pk)
        if (replayed := _replayed(idempotency_key, fingerprint)) is not None:
            return replayed
        _check_allowed(locked, kind)
        balance_after = locked.balance + delta
        if balance_after < 0:
            raise Conflict(
                _("Only %(balance)s is left on this gift card.")
                % {"balance": _money(locked.balance, locked.currency)},
                code="insufficient_balance",
            )
        if balance_after > MAX_BALANCE:
            raise InvalidInput(
                {"amount": _("That would put more on the card than it can hold.")},
                code="balance_too_high",
            )
        return _record(
            locked,
            kind,
            amount=abs(delta),
            balance_after=balance_after,
            actor=actor,
            order=order,
            reason=reason,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )

    return _sync(card, _idempotent(idempotency_key, fingerprint, write))


def _idempotent(
    idempotency_key: str, fingerprint: str, write: Callable[[], GiftCardActivity]
) -> GiftCardActivity:
    """Run ``write`` in a transaction unless the key was used already. ``write`` checks
    the key again once it holds the card's lock; a twin that claimed the key meanwhile on
    another row makes the insert fail, and the first result is returned."""
    if not idempotency_key:
        raise ValueError("gift card activities need an idempotency key")
    if len(idempotency_key) > 255:
        raise InvalidInput({"idempotency_key": _("The idempotency key is too long.")})
    if (replayed := _replayed(idempotency_key, fingerprint)) is not None:
        return replayed
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        replayed = _replayed(idempotency_key, fingerprint)
        if replayed is None:
            raise
        return replayed


def _replayed(idempotency_key: str, fingerprint: str) -> GiftCardActivity | None:
    activity = (
        GiftCardActivity.objects.select_related("card")
        .filter(idempotency_key=idempotency_key)
        .first()
    )
    if activity is None:
        return None
    if activity.fingerprint != fingerprint:
        raise IdempotencyConflict(
            _(
                "This request reuses the idempotency key of a different gift card request, "
                "so nothing was done. Send a new key for a new request."
            )
        )
    return activity


def _record(
    card: GiftCard,
    kind: ActivityKind,
    *,
    amount: int,
    balance_after: int,
    actor: TeamMember | None,
    idempotency_key: str,
    fingerprint: str,
    order: Order | None = None,
    reason: str = "",
    **card_changes: Any,
) -> GiftCardActivity:
    activity = GiftCardActivity.objects.create(
        card=card,
        kind=kind,
        amount=amount,
        balance_after=balance_after,
        reason=reason,
        actor=actor,
        order=order,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )
    card.balance = balance_after
    for field, value in card_changes.items():
        setattr(card, field, value)
    card.save(update_fields=["balance", *card_changes])
    return activity


def _sync(card: GiftCard, activity: GiftCardActivity) -> GiftCardActivity:
    """Bring the caller's card object up to date (a replay reads it again)."""
    if activity.card_id == card.pk:
        fresh = GiftCard.objects.get(pk=card.pk)
        card.balance, card.state, card.deactivated_at = (
            fresh.balance,
            fresh.state,
            fresh.deactivated_at,
        )
    return activity


def _check_allowed(card: GiftCard, kind: str) -> None:
    if kind in ALLOWED[card.state]:
        return
    if card.state == GiftCardState.DEACTIVATED:
        message = _("This gift card is deactivated: it can no longer be used.")
    elif card.state == GiftCardState.PENDING:
        message = _("This gift card is not activated yet.")
    else:
        message = _("This gift card is already active.")
    raise Conflict(message, code="card_state")


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput({"amount": _("Enter an amount above zero.")}, code="invalid_amount")
    if amount > MAX_BALANCE:
        raise InvalidInput(
            {"amount": _("That would put more on the card than it can hold.")},
            code="balance_too_high",
        )


def _fingerprint(operation: str, **fields: Any) -> str:
    canonical = json.dumps({"operation": operation, **fields}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _unused_code() -> str:
    # 31**16 codes: a clash is astronomically unlikely, but checking costs one query.
    while True:
        code = codes.new_issued_code()
        if not GiftCard.objects.filter(code=code).exists():
            return code


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency, translation.get_language() or "en")
