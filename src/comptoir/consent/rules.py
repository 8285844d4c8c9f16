"""May a text go to this number now? One function, ``text_refusal``, that
``messaging.services.send_message`` asks before every text, and the double opt-in's
steps as a table.

A refusal is a ``Refusal``: a ``str`` (the sentence shown to staff) carrying a ``code``.
``NEEDS_ATTESTATION`` is the code of "a team member must first confirm the customer
agreed to be texted": the composer then links to the attestation dialog
(``dashboard:text_consent_attest``) instead of only showing the sentence."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.consent.models import MarketingOptIn, SuppressedAddress, TextSubscription
from comptoir.customers.models import Customer
from comptoir.messaging.models import Channel, Direction, Message
from comptoir.orders.models import Order

STOPPED = "stopped"
NEEDS_ATTESTATION = "needs_attestation"
MARKETING_NOT_CONFIRMED = "marketing_not_confirmed"


class Refusal(str):
    """Why a text is refused: the sentence, plus ``code`` (one of the constants above)."""

    code: str

    def __new__(cls, message: str, code: str) -> Refusal:
        refusal = super().__new__(cls, message)
        refusal.code = code
        return refusal


def needs_attestation(reason: str | None) -> bool:
    return getattr(reason, "code", None) == NEEDS_ATTESTATION


# The marketing double opt-in: which state a "yes" reply moves to. The requests move
# NONE -> FIRST_REQUEST_SENT and FIRST_YES -> SECOND_REQUEST_SENT (consent.services).
YES_MOVES: dict[str, str] = {
    MarketingOptIn.FIRST_REQUEST_SENT: MarketingOptIn.FIRST_YES,
    MarketingOptIn.SECOND_REQUEST_SENT: MarketingOptIn.CONFIRMED,
}
PENDING_OPT_IN = frozenset(YES_MOVES)


# --- the suppression list ------------------------------------------------------------


def normalised_address(address: str) -> str:
    """A number as stored (E.164), an email address lower-cased."""
    address = (address or "").strip()
    return address.lower() if "@" in address else address


def suppression_digest(address: str) -> str:
    """HMAC-SHA256 of the address, keyed by a key derived from SECRET_KEY: the list
    names nobody, and the same number always gives the same digest."""
    key = hashlib.sha256(b"comptoir.consent.suppression:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, normalised_address(address).encode(), hashlib.sha256).hexdigest()


def suppressed_since(address: str) -> datetime | None:
    row = (
        SuppressedAddress.objects.filter(digest=suppression_digest(address))
        .values_list("opted_out_at", flat=True)
        .first()
    )
    return row


# --- the rule ------------------------------------------------------------------------


def _date(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "DATE_FORMAT")


def stopped_message(at: datetime) -> Refusal:
    return Refusal(
        _("This number replied STOP on %(date)s: texts can't be sent until they text START.")
        % {"date": _date(at)},
        STOPPED,
    )


def _marketing_refusal(subscription: TextSubscription | None) -> Refusal | None:
    state = subscription.marketing_state if subscription else MarketingOptIn.NONE
    if state == MarketingOptIn.CONFIRMED:
        return None
    assert subscription is not None or state == MarketingOptIn.NONE
    if state == MarketingOptIn.NONE:
        message = _(
            "Marketing texts need the customer's double opt-in and it was never asked: send "
            "the opt-in request first (they must reply yes twice)."
        )
    elif state == MarketingOptIn.FIRST_REQUEST_SENT:
        assert subscription is not None and subscription.first_request_at is not None
        message = _(
            "Marketing texts need the customer's double opt-in: the first request was sent on "
            "%(date)s and they have not replied yes yet."
        ) % {"date": _date(subscription.first_request_at)}
    else:
        message = _(
            "Marketing texts need the customer's double opt-in: they replied yes once but have "
            "not yet confirmed the second request."
        )
    return Refusal(message, MARKETING_NOT_CONFIRMED)


def has_text_consent(
    *, customer: Customer | None, number: str, sub: TextSubscription | None
) -> bool:
    """The number may get a first staff text: it texted the shop, a team member confirmed
    the customer's consent, or the checkout box was ticked on one of the customer's
    orders with it."""
    if sub is not None and (
        sub.last_inbound_at or sub.attested_at or sub.opted_in_at or sub.first_reply_at
    ):
        return True
    # Read through the customer's own rows (indexed by customer): a number alone has no
    # index among a million orders or messages.
    if customer is None or customer.pk is None:
        return False
    if Order.objects.filter(customer=customer, phone=number, sms_consent=True).exists():
        return True
    # Inbound texts recorded without the webhook (imports, demo): the webhook stamps
    # ``last_inbound_at`` itself.
    return Message.objects.filter(
        conversation__customer=customer,
        direction=Direction.INBOUND,
        channel=Channel.SMS,
        from_address=number,
    ).exists()


def text_refusal(
    *,
    customer: Customer | None,
    number: str,
    marketing: bool = False,
    staff_initiated: bool = False,
) -> str | None:
    """Why a text to ``number`` must not be sent now (a ``Refusal``), None when it may:
    a number that replied STOP (or whose erased owner did) gets nothing; marketing needs
    the confirmed double opt-in; a team member's first text needs some consent (see
    ``has_text_consent``) else ``NEEDS_ATTESTATION``."""
    number = normalised_address(number)
    sub = TextSubscription.objects.filter(number=number).first()
    if sub is not None and sub.opted_out_at is not None:
        return stopped_message(sub.opted_out_at)
    if sub is None:
        suppressed = suppressed_since(number)
        if suppressed is not None:
            return stopped_message(suppressed)
    if marketing:
        return _marketing_refusal(sub)
    if staff_initiated and not has_text_consent(customer=customer, number=number, sub=sub):
        name = customer.full_name if customer is not None and customer.full_name else number
        return Refusal(
            _(
                "Before the first text to %(name)s, confirm that they agreed to receive texts "
                "from the shop."
            )
            % {"name": name},
            NEEDS_ATTESTATION,
        )
    return None
