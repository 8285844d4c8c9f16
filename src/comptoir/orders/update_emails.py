"""The email telling a customer their order reached a state: accepted, ready for pickup /
out for delivery / shipped, cancelled (completed and failed send none: the customer has
the order, or staff call them).

``queue_update_email`` queues it in the customer's language with the order's templates:
``orders.fulfilment`` when email is the customer's channel for the order, and
``messaging.services.update_delivery_status`` when the provider reports that the text of
that update failed, so that the customer hears of it by email instead."""

from __future__ import annotations

from comptoir.errors import DomainError
from comptoir.mail.models import OutgoingEmail
from comptoir.mail.services import queue_templated_email
from comptoir.orders.links import status_url
from comptoir.orders.models import Fulfilment, FulfilmentState, FulfilmentType, Order
from comptoir.shop.selectors import get_shop, language_for

S = FulfilmentState

# The customer's email for reaching a state, by fulfilment type (absent: no email).
UPDATE_EMAIL_TEMPLATES: dict[FulfilmentState, dict[FulfilmentType, str]] = {
    S.RESERVED: {kind: "order_accepted" for kind in FulfilmentType},
    S.PREPARED: {
        FulfilmentType.PICKUP: "order_ready_for_pickup",
        FulfilmentType.DELIVERY: "order_out_for_delivery",
        FulfilmentType.SHIPMENT: "order_shipped",
    },
    S.CANCELLED: {kind: "order_cancelled" for kind in FulfilmentType},
}


def update_email_template(state: str, fulfilment_type: str) -> str | None:
    """The template of the email for ``state`` of a fulfilment of ``fulfilment_type``."""
    try:
        return UPDATE_EMAIL_TEMPLATES.get(S(state), {}).get(FulfilmentType(fulfilment_type))
    except ValueError:
        return None


def queue_update_email(order: Order, fulfilment: Fulfilment, state: str) -> OutgoingEmail | None:
    """Queue the email telling ``order``'s customer it reached ``state`` (sent after
    commit), or None: no email for that state, or an address the outbox refuses (e.g.
    from an import: it must not stop the kitchen)."""
    template = update_email_template(state, fulfilment.type)
    if template is None or not order.email:
        return None
    try:
        return queue_templated_email(
            to=order.email,
            template=template,
            context={
                "order": order,
                "fulfilment": fulfilment,
                "location": order.location,
                "status_url": status_url(order),
            },
            language=language_for(get_shop(), order.customer.language or order.language),
            kind=template,
        )
    except DomainError as error:
        if error.code != "invalid_email":
            raise
        return None
