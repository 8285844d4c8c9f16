"""An order update the customer chose to get by text, whose text failed (refused when
sent, or reported failed or undelivered by the provider), is told by email instead: the
same email ``orders.fulfilment`` sends when email is the channel, unless the customer
heard of a later state since (``_told_since``). Called once per failed
text, by ``delivery`` (refused when sent) and ``services.update_delivery_status``
(reported later)."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.messaging.conversations import conversation_for, record_email_sent
from comptoir.messaging.models import Channel, Message, MessageKind
from comptoir.orders.events import record_event as record_order_event
from comptoir.orders.models import Fulfilment, FulfilmentState, Order, OrderEventKind
from comptoir.orders.update_emails import queue_update_email

# The order timeline's event.
FAILED_TEXT_EMAILED = OrderEventKind.TEXT_FAILED_EMAILED


@transaction.atomic
def email_failed_order_update(message: Message) -> None:
    """The order update ``message`` told by text failed: queue the same update by email
    (``orders.update_emails``, in the customer's language) when the order has an address,
    record it in the conversation, linked to the order, with the email's Message-ID (a
    reply threads there), and on the order's timeline. Without an address nothing more:
    the conversation shows the failed text and its reason."""
    if (
        message.kind != MessageKind.ORDER_UPDATE
        or message.channel != Channel.SMS
        or not message.order_id
        or not message.update_state
    ):
        return
    order = (
        Order.objects.select_related("customer", "location", "fulfilment")
        .filter(pk=message.order_id)
        .first()
    )
    fulfilment = getattr(order, "fulfilment", None) if order is not None else None
    if order is None or fulfilment is None or not order.email:
        return
    if _told_since(message, fulfilment):
        return
    email = queue_update_email(order, fulfilment, message.update_state)
    if email is None:
        return
    with translation.override(email.language):
        body = _("Update on order %(number)s sent by email: the text could not be delivered.") % {
            "number": order.number
        }
    conversation = conversation_for(order.customer)
    record_email_sent(
        conversation,
        email,
        kind=MessageKind.ORDER_UPDATE,
        body=body,
        order=order,
        update_state=message.update_state,
    )
    record_order_event(
        order,
        FAILED_TEXT_EMAILED,
        state=message.update_state,
        message_id=message.pk,
        email_id=email.pk,
    )


def _told_since(message: Message, fulfilment: Fulfilment) -> bool:
    """The customer heard of a later state since ``message``: a newer update of the
    order (a report may come minutes late, after the next one), or its cancellation or
    failure (told by email once they replied STOP). Its email would come out of order:
    e.g. "ready for pickup" after "cancelled"."""
    if fulfilment.state in _ENDED and message.update_state not in _ENDED:
        return True
    return Message.objects.filter(
        order=fulfilment.order_id, kind=MessageKind.ORDER_UPDATE, pk__gt=message.pk
    ).exists()


_ENDED = frozenset({FulfilmentState.CANCELLED, FulfilmentState.FAILED})
