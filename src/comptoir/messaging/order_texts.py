"""Texts about an order, and receipts recorded in the customer's conversation.

- ``update_channel(order)``: the one channel the customer hears about the order's status
  changes on (decision 0025): the channel its receipt went on, the customer's latest
  receipt: a text when they ticked "text me about this order" (``Order.sms_consent``)
  and the number may be texted, else an email. An order without receipt follows the
  customer's latest receipt or reminder. ``orders.fulfilment`` emails only when it says
  so: no text and email twice over.
- ``text_order_update(order_id, state)``: the status change (accepted, ready / out for
  delivery / shipped with tracking, cancelled) by text, in the customer's language, as
  an ORDER_UPDATE message linked to the order, when ``update_channel`` says text.
  Transactional, yet a number that replied STOP gets none (``send_message`` asks
  ``consent.rules.text_refusal``, which refuses it). The message keeps the state it tells
  (``update_state``): when the provider later reports the text failed,
  ``services.update_delivery_status`` sends the same update by email once.
- ``text_receipt(order)``: a short text receipt (number, total, status link) for
  shoppers who chose texts, queued by ``place_order``.
- ``receipt_reply_to(email)``: the receipt email's Reply-To, the conversation's reply
  address (the mail outbox asks it before sending), the receipt being recorded there as a
  RECEIPT message linked to the order with the email's Message-ID.
- ``order_for_reply(conversation, in_reply_to)``: the order a customer's reply is about
  (the message it answers, else the latest receipt within 7 days), for the inbound paths.

Nothing here raises on a refused text: the order's change must go through regardless."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.consent.rules import text_refusal
from comptoir.errors import DomainError
from comptoir.mail.models import OutgoingEmail
from comptoir.messaging.conversations import conversation_of, record_email_sent
from comptoir.messaging.email_channel import reply_address
from comptoir.messaging.models import (
    Channel,
    Conversation,
    Direction,
    Message,
    MessageKind,
)
from comptoir.messaging.selectors import last_notification_channel, sms_number
from comptoir.messaging.services import send_message
from comptoir.orders.links import status_url
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderSource,
)
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop, language_for

logger = logging.getLogger(__name__)

RECEIPT_KIND = "order_receipt"  # the OutgoingEmail kind of the receipt (orders.services)
# A reply without a reference to the message it answers is about the latest receipt,
# when it was sent this recently.
REPLY_WINDOW = timedelta(days=7)

S = FulfilmentState


def _update_text(order: Order, fulfilment: Fulfilment | None, state: str) -> str | None:
    """The text for ``state`` in the active language, or None (no text for it)."""
    values = {"shop": get_shop().name, "number": order.number, "url": status_url(order)}
    kind = FulfilmentType(fulfilment.type) if fulfilment is not None else None
    if state == S.RESERVED:
        return _("%(shop)s: your order %(number)s is accepted and being prepared. %(url)s") % values
    if state == S.PREPARED:
        if kind == FulfilmentType.PICKUP:
            return _("%(shop)s: your order %(number)s is ready for pickup. %(url)s") % values
        if kind == FulfilmentType.DELIVERY:
            return _("%(shop)s: your order %(number)s is out for delivery. %(url)s") % values
        if kind == FulfilmentType.SHIPMENT:
            assert fulfilment is not None
            if fulfilment.tracking_number:
                return _(
                    "%(shop)s: your order %(number)s has shipped (%(carrier)s, tracking "
                    "%(tracking)s). %(url)s"
                ) % {
                    **values,
                    "carrier": fulfilment.carrier or _("carrier"),
                    "tracking": fulfilment.tracking_number,
                }
            return _("%(shop)s: your order %(number)s has shipped. %(url)s") % values
        return None
    if state == S.CANCELLED:
        reason = fulfilment.cancel_reason if fulfilment is not None else ""
        if reason:
            return _("%(shop)s: your order %(number)s is cancelled: %(reason)s. %(url)s") % {
                **values,
                "reason": reason,
            }
        return _("%(shop)s: your order %(number)s is cancelled. %(url)s") % values
    return None


def _language(order: Order) -> str:
    return language_for(get_shop(), order.customer.language or order.language)


def _texts_wanted(order: Order) -> bool:
    return bool(
        order.sms_consent
        and order.phone
        and order.source != OrderSource.PARTNER
        and not order.is_donation
    )


def update_channel(order: Order) -> str | None:
    """The channel of the customer's updates about ``order``, or None (nobody to tell:
    partner orders, whose platform tells its customers; donations; no way to reach).

    The customer is notified on the channel they most recently received a receipt on,
    which is this order's: by text when they asked for texts about it (the text receipt;
    the email receipt beside it is the record of the purchase) and the number may still
    be texted; else by email when the order has an address. An order that had no receipt
    (no email, no texts asked for: a table or counter order) follows the customer's
    latest receipt or reminder: by text when that went by text and they agreed to texts
    and did not reply STOP."""
    if order.source == OrderSource.PARTNER or order.is_donation:
        return None
    customer = order.customer
    number = sms_number(customer)
    if _texts_wanted(order) and number and text_refusal(customer=customer, number=number) is None:
        return Channel.SMS
    if order.email:
        return Channel.EMAIL
    if (
        not order.sms_consent
        and number
        and last_notification_channel(customer) == Channel.SMS
        and text_refusal(customer=customer, number=number, staff_initiated=True) is None
    ):
        return Channel.SMS
    return None


def _send_text(
    order: Order, body: str, kind: MessageKind, update_state: str = ""
) -> Message | None:
    try:
        with transaction.atomic():
            return send_message(
                actor=None,
                customer=order.customer,
                channel=Channel.SMS,
                body=body,
                kind=kind,
                order=order,
                update_state=update_state,
            )
    except DomainError as error:
        # A STOPped number or one no longer on file: no text, the order goes on.
        logger.info("No %s text for order %s: %s", kind, order.pk, error.code)
        return None


def text_order_update(order_id: int, state: str) -> Message | None:
    """Queue the text telling the customer their order reached ``state`` (a fulfilment
    state), when texts are their channel for it (``update_channel``); the message, or
    None when none is sent."""
    order = (
        Order.objects.select_related("customer", "fulfilment", "location")
        .filter(pk=order_id)
        .first()
    )
    if order is None or update_channel(order) != Channel.SMS:
        return None
    fulfilment = Fulfilment.objects.filter(order=order).first()
    with translation.override(_language(order)):
        body = _update_text(order, fulfilment, state)
    if body is None:
        return None
    return _send_text(order, body, MessageKind.ORDER_UPDATE, update_state=state)


def receipt_text(order: Order) -> str:
    """The short text receipt: order number, total and the status page's link."""
    language = _language(order)
    with translation.override(language):
        return _(
            "%(shop)s: thank you for your order %(number)s (%(total)s). Follow it here: %(url)s"
        ) % {
            "shop": get_shop().name,
            "number": order.number,
            "total": format_money(order.total, order.currency, language),
            "url": status_url(order),
        }


def text_receipt(order: Order) -> Message | None:
    """Queue the short text receipt when the shopper asked for texts about the order
    (``place_order`` calls it in the order's transaction); the message, or None."""
    if not _texts_wanted(order):
        return None
    return _send_text(order, receipt_text(order), MessageKind.RECEIPT)


def receipt_reply_to(email: OutgoingEmail) -> str | None:
    """The Reply-To of the receipt email ``email``, asked by the mail outbox just before
    sending it: the reply address of the customer's conversation, where the receipt is
    recorded (once, whatever the retries) as a RECEIPT message linked to the order and
    carrying the email's Message-ID, so that a reply lands there, linked to the order.
    Recorded by the sender rather than at checkout: placing an order stays as cheap as
    it was, and the conversation shows the receipt once it goes."""
    if email.kind != RECEIPT_KIND or not email.about_id:
        return None
    # What the message needs of the order: its number, and its customer's id (not the
    # customer's record, a wide row nothing here reads).
    order = Order.objects.only("id", "number", "customer_id").filter(pk=email.about_id).first()
    if order is None:
        return None
    with transaction.atomic():
        conversation, created = conversation_of(order.customer_id)
        # A conversation made just now holds no receipt yet; an older one may hold this
        # one, recorded by an earlier attempt to send the email.
        recorded = (
            not created
            and Message.objects.filter(
                conversation=conversation,
                kind=MessageKind.RECEIPT,
                email_message_id=email.provider_message_id,
            ).exists()
        )
        if not recorded:
            with translation.override(email.language):
                body = _("Receipt for order %(number)s, sent by email.") % {"number": order.number}
            record_email_sent(conversation, email, kind=MessageKind.RECEIPT, body=body, order=order)
    return reply_address(conversation)


def order_for_reply(
    conversation: Conversation, in_reply_to: str = "", *, channel: str | None = None
) -> Order | None:
    """The order a customer's reply in ``conversation`` is about: that of the message it
    answers (``in_reply_to``, an email's In-Reply-To or one of its References), else that of
    the latest receipt sent within 7 days (on ``channel`` when given), else None."""
    ids = [part for part in (in_reply_to or "").split() if part]
    if ids:
        answered = (
            Message.objects.filter(
                conversation=conversation, email_message_id__in=ids, order__isnull=False
            )
            .select_related("order")
            .order_by("-created_at", "-pk")
            .first()
        )
        if answered is not None:
            return answered.order
    receipts = Message.objects.filter(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        kind=MessageKind.RECEIPT,
        order__isnull=False,
        created_at__gte=timezone.now() - REPLY_WINDOW,
    )
    if channel:
        receipts = receipts.filter(channel=channel)
    latest = receipts.select_related("order").order_by("-created_at", "-pk").first()
    return latest.order if latest is not None else None
