"""Counter and phone orders: staff with "manage orders" enter an order for a customer
from the dashboard's point-of-sale screen.

The order goes through ``place_order`` like any checkout (source counter, no account:
it belongs to the customer record and its totals, never to the shopper's online
history). The customer is an existing record or a new one made from what staff typed.
Fulfilment: handed over at the counter (no fulfilment: the order is completed at once),
pickup (as soon as possible or at a time) or delivery (to an address of the location's
zones, with its fee). Payment:

- in person (cash or card terminal): recorded as a Payment of method ``in_person``
  without any gateway call, and the order is placed at once;
- card link: a ``PaymentLink`` (unguessable token, amount, 24-hour expiry) is emailed to
  the customer; the order is placed, exactly like a checkout, when the customer pays it
  on the storefront (``pay_payment_link``). Until then there is no order: nothing to
  accept, no stock taken, nothing in the customer's totals. Until it is paid, staff can
  cancel the link (``cancel_payment_link``: the pay page then says so) or email it
  again (``resend_payment_link``: same link, same expiry, to the customer's email or a
  corrected address). Paying, cancelling and resending take the same lock on the link
  (``_locked_link``), so a cancel racing a payment has one winner.

The staff note is the order's ``note`` (shown on its page; exported, erased and moved
with the orders). A double click places one order: the form's idempotency key."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product
from comptoir.catalog.selectors import sellable_products
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.selectors import visible_customers
from comptoir.customers.services import find_or_create_for_order, normalise_email
from comptoir.customers.services.order_stats import recount_orders
from comptoir.errors import Conflict, DomainError, InvalidInput, NotFound
from comptoir.mail.services import queue_templated_email
from comptoir.orders.models import (
    Order,
    OrderEvent,
    OrderEventKind,
    OrderSource,
    PaymentLink,
    PaymentLinkState,
)
from comptoir.orders.services import (
    Contact,
    FulfilmentChoice,
    amount_due,
    earliest_pickup,
    place_order,
)
from comptoir.payments.gateways.base import Gateway, PaymentResult
from comptoir.shop.links import absolute_url
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop, language_for
from comptoir.team.access import (
    can_access_location,
    require,
    require_location,
    visible_location_ids,
)
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

LINK_LIFETIME = timedelta(hours=24)
IN_PERSON = "in_person"  # Payment.gateway and Payment.method of money taken at the counter
LINK_EMAIL_TEMPLATE = "counter_payment_link"


class PaymentChoice:
    IN_PERSON = "in_person"
    CARD_LINK = "card_link"


@dataclass(frozen=True)
class NewCustomer:
    """A customer typed on the counter screen (no record yet)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""


def place_counter_order(
    *,
    actor: TeamMember,
    idempotency_key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    customer: Customer | None = None,
    new_customer: NewCustomer | None = None,
    fulfilment: FulfilmentChoice | None,
    note: str = "",
    payment: str,
) -> Order | PaymentLink:
    """Place the order paid in person (returns the Order) or send the customer a card
    link (returns the PaymentLink). ``fulfilment`` None: handed over at the counter.
    The same ``idempotency_key`` again returns what the first call made."""
    require(actor, Permission.MANAGE_ORDERS)
    require_location(actor, location)
    if not idempotency_key:
        raise ValueError("place_counter_order needs an idempotency key")
    if payment not in (PaymentChoice.IN_PERSON, PaymentChoice.CARD_LINK):
        raise InvalidInput({"payment": _("Choose how the customer pays.")})
    key = f"counter:{idempotency_key}"
    done = _already_done(key)
    if done is not None:
        return done
    if (customer is None) == (new_customer is None):
        raise InvalidInput({"customer": _("Choose a customer, or enter a new one.")})
    if customer is not None and not visible_customers(actor).filter(pk=customer.pk).exists():
        raise NotFound(_("This customer does not exist (any more)."))
    if new_customer is not None:
        new_customer = _checked(new_customer)
    if payment == PaymentChoice.CARD_LINK:
        recipient = customer if customer is not None else new_customer
        if recipient is None or not recipient.email:
            raise InvalidInput(
                {
                    "payment": _(
                        "The card link is sent by email: give the customer's email address, or take the payment in person."
                    )
                }
            )
        return _send_link(
            actor=actor,
            key=key,
            location=location,
            lines=lines,
            customer=customer,
            new_customer=new_customer,
            fulfilment=fulfilment,
            note=note,
        )
    try:
        with transaction.atomic():
            if customer is None:
                assert new_customer is not None
                customer = _record_for(new_customer)
            return _place(
                key=key,
                location=location,
                lines=lines,
                customer=customer,
                fulfilment=fulfilment,
                note=note,
                payment=PaymentResult(
                    gateway=IN_PERSON,
                    account="",
                    reference=f"in_person_{secrets.token_hex(12)}",
                    amount=amount_due(lines, fulfilment),
                    currency=get_shop().currency,
                    method=IN_PERSON,
                    card=None,
                ),
                actor=actor,
                event=OrderEventKind.COUNTER_PLACED,
            )
    except _PlacedMeanwhile as placed:
        return placed.order


def pay_payment_link(*, token: str, gateway: Gateway, card_token: str, attempt: str) -> Order:
    """The customer pays a card link on the storefront: charge the card (outside any
    transaction), place the order, refund the charge if the order is refused (stock
    sold meanwhile, a price changed). ``attempt`` is the key of the payment form as
    shown: a double submit of it charges once (the gateway replays the charge); a
    retry after a refusal comes from a new form, so it never replays a refunded charge.
    A link already paid returns its order and charges nothing; one paid by another
    attempt while this one was charging gets this charge refunded. Raises NotFound,
    DomainError (expired), Conflict (cancelled by the shop: a charge made while it was
    being cancelled is refunded), PaymentFailed."""
    link = payment_link_by_token(token)
    if link.state == PaymentLinkState.PAID:
        assert link.order is not None
        return link.order
    if link.state == PaymentLinkState.CANCELLED:
        raise _cancelled()
    if link.is_expired:
        raise DomainError(
            _("This payment link has expired. Please contact the shop."), code="link_expired"
        )
    if not attempt:
        raise ValueError("pay_payment_link needs the payment form's key")
    charge = gateway.charge(
        amount=link.amount,
        currency=link.currency,
        card_token=card_token,
        idempotency_key=f"{link.idempotency_key}:charge:{attempt}"[:255],
    )
    try:
        with transaction.atomic():
            locked = _locked_link(link.pk)
            if locked is None or locked.state == PaymentLinkState.CANCELLED:
                raise _CancelledMeanwhile
            if locked.state == PaymentLinkState.PAID:
                assert locked.order is not None
                order = locked.order
            else:
                order = _place_from_link(locked, charge)
                PaymentLink.objects.filter(pk=locked.pk).update(
                    state=PaymentLinkState.PAID, paid_at=timezone.now(), order=order
                )
    except _PlacedMeanwhile as placed:
        order = placed.order
    except _CancelledMeanwhile:
        _refund(gateway, charge, link)
        raise _cancelled(refunded=True) from None
    except DomainError as error:
        _refund(gateway, charge, link)
        # The checkout's wording ("check your cart") means nothing to whoever pays a link.
        refusal = DomainError(
            _(
                "This order can no longer be placed as it was sent (%(reason)s). Your payment was refunded: please contact the shop."
            )
            % {"reason": str(error.message).rstrip(".")},
            code="link_order_refused",
        )
        refusal.status = error.status  # e.g. 409 when the stock ran out meanwhile
        raise refusal from error
    if not order.payments.filter(gateway=charge.gateway, reference=charge.reference).exists():
        _refund(gateway, charge, link)  # another attempt paid it meanwhile
    return order


def cancel_payment_link(*, actor: TeamMember, link_id: int) -> PaymentLink:
    """Staff cancel a card link not yet paid: its pay page says it was cancelled by the
    shop and takes no payment any more; it leaves the links waiting for payment. Who
    and when are recorded on the link. A cancelled link stays cancelled (cancelling it
    again changes nothing); a paid one cannot be cancelled (Conflict naming its order).
    NotFound for a link of a location the member does not work at."""
    require(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic():
        link = _link_for_staff(actor, link_id)
        if link.state == PaymentLinkState.PAID:
            raise Conflict(
                _("This link cannot be cancelled: it was paid (order %(number)s).")
                % {"number": _order_number(link)},
                code="link_paid",
            )
        if link.state == PaymentLinkState.PENDING:
            now = timezone.now()
            PaymentLink.objects.filter(pk=link.pk).update(
                state=PaymentLinkState.CANCELLED, cancelled_at=now, cancelled_by=actor
            )
            link.state, link.cancelled_at, link.cancelled_by = (
                PaymentLinkState.CANCELLED,
                now,
                actor,
            )
    return link


def resend_payment_link(*, actor: TeamMember, link_id: int, email: str = "") -> PaymentLink:
    """Email a card link waiting for payment again: the same email as the first (same
    link, same expiry), to ``email`` when staff typed a corrected address, else to the
    customer's email on file. Counted on the link (emails sent, last sent at, to whom).
    Refused (Conflict) for a link paid, cancelled or expired; InvalidInput (key
    ``email``) for a malformed address or none at all."""
    require(actor, Permission.MANAGE_ORDERS)
    try:
        typed = normalise_email(email)
    except DomainError as error:
        raise InvalidInput({"email": error.message}, code="invalid_email") from None
    if len(typed) > 254:  # PaymentLink.sent_to's length (validate_email allows longer)
        raise InvalidInput({"email": _("This email address is too long.")}, code="invalid_email")
    with transaction.atomic():
        link = _link_for_staff(actor, link_id)
        if link.state == PaymentLinkState.PAID:
            raise Conflict(
                _("This link cannot be sent again: it was paid (order %(number)s).")
                % {"number": _order_number(link)},
                code="link_paid",
            )
        if link.state == PaymentLinkState.CANCELLED:
            raise Conflict(
                _("This link cannot be sent again: it was cancelled."), code="link_cancelled"
            )
        if link.is_expired:
            raise Conflict(
                _(
                    "This link cannot be sent again: it has expired. Enter the order again to send a new link."
                ),
                code="link_expired",
            )
        address = typed or link.customer.email or ""
        if not address:
            raise InvalidInput(
                {"email": _("The customer has no email address: type the address to send to.")},
                code="no_email",
            )
        _email_link(link, to=address, lines=link_lines(link))
        PaymentLink.objects.filter(pk=link.pk).update(
            send_count=F("send_count") + 1, last_sent_at=timezone.now(), sent_to=address
        )
        link.refresh_from_db(fields=["send_count", "last_sent_at", "sent_to"])
    return link


def _locked_link(link_id: int) -> PaymentLink | None:
    """The link, locked until the transaction ends: paying, cancelling and resending
    take this lock, so each sees the state the other left."""
    return PaymentLink.objects.select_for_update().filter(pk=link_id).first()


def _link_for_staff(actor: TeamMember, link_id: int) -> PaymentLink:
    """The link ``link_id``, locked, if it is at a location ``actor`` works at."""
    link = _locked_link(link_id)
    if link is None or not can_access_location(actor, link.location_id):
        raise NotFound(_("This payment link does not exist (any more)."))
    return link


def _order_number(link: PaymentLink) -> str:
    return link.order.number if link.order is not None else ""


def _cancelled(*, refunded: bool = False) -> Conflict:
    if refunded:
        message = _(
            "This payment request was cancelled by the shop: there is nothing to pay. Your payment was refunded."
        )
    else:
        message = _("This payment request was cancelled by the shop: there is nothing to pay.")
    return Conflict(message, code="link_cancelled")


class _CancelledMeanwhile(Exception):
    """The link was cancelled (or erased) while its charge was being made."""


def _refund(gateway: Gateway, charge: PaymentResult, link: PaymentLink) -> None:
    gateway.refund(
        reference=charge.reference,
        amount=charge.amount,
        idempotency_key=f"{link.idempotency_key}:refund:{charge.reference}"[:255],
    )


def payment_link_by_token(token: str) -> PaymentLink:
    link = (
        PaymentLink.objects.select_related("location", "customer", "order")
        .filter(token=token or "-")
        .first()
    )
    if link is None:
        raise NotFound(_("No such payment link, or the link is incomplete."))
    return link


def link_lines(link: PaymentLink) -> list[tuple[Product, int]]:
    """The products and quantities of a link's order, for its page."""
    quantities = dict(link.draft.get("lines", []))
    products = Product.objects.filter(pk__in=list(quantities)).order_by("pk")
    return [(product, quantities[product.pk]) for product in products]


def links_waiting_for_payment(location: Location) -> list[PaymentLink]:
    """The card links of ``location`` not yet paid, cancelled nor expired, soonest to
    expire first (the counter screen lists them; one query)."""
    return list(
        PaymentLink.objects.select_related("customer")
        .filter(location=location, state=PaymentLinkState.PENDING, expires_at__gt=timezone.now())
        .order_by("expires_at", "pk")[:50]
    )


def payment_link_for_staff(member: TeamMember, link_id: int) -> PaymentLink | None:
    """The card link ``link_id`` with its customer, if it is at a location the member
    works at (the counter screen shows the link it just sent)."""
    links = PaymentLink.objects.select_related("customer").filter(pk=link_id)
    allowed = visible_location_ids(member)
    if allowed is not None:
        links = links.filter(location_id__in=allowed)
    return links.first()


def payment_link_url(link: PaymentLink) -> str:
    return absolute_url(reverse("storefront:payment_link", args=[link.token]))


def counter_products(location: Location) -> QuerySet[Product]:
    """What the counter screen offers: the products sold at ``location`` today."""
    return sellable_products(location).order_by(
        "category__position", "category_id", "position", "id"
    )


# --- steps ---------------------------------------------------------------------------


class _PlacedMeanwhile(Exception):
    """Not an error: the rollback of a twin request, carrying the order placed."""

    def __init__(self, order: Order) -> None:
        super().__init__(order.number)
        self.order = order


def _already_done(key: str) -> Order | PaymentLink | None:
    order = Order.objects.filter(idempotency_key=key).first()
    if order is not None:
        return order
    return PaymentLink.objects.filter(idempotency_key=key).first()


def _checked(new: NewCustomer) -> NewCustomer:
    """The new customer's details as the customer record keeps them, or InvalidInput
    with a message per field (same rules as the record: email, E.164 phone)."""
    errors: dict[str, str] = {}
    first, last = new.first_name.strip()[:100], new.last_name.strip()[:100]
    if not first and not last:
        errors["first_name"] = _("Give the customer's name.")
    email = ""
    try:
        email = normalise_email(new.email)
    except DomainError as error:
        errors["email"] = str(error.message)
    phone = ""
    try:
        phone = to_e164(new.phone, get_shop().country)
    except InvalidPhone as error:
        errors["phone"] = str(error.message)
    if errors:
        raise InvalidInput(errors, code="invalid_customer")
    return NewCustomer(first_name=first, last_name=last, email=email, phone=phone)


def _record_for(new: NewCustomer) -> Customer:
    """The record of a customer typed at the counter: the one with this email if any
    (as a checkout would find it), else a new record."""
    shop = get_shop()
    return find_or_create_for_order(
        email=new.email,
        first_name=new.first_name,
        last_name=new.last_name,
        phone=new.phone,
        language=shop.published_language,
        region=shop.country,
    )


def _contact(customer: Customer) -> Contact:
    return Contact(
        email=customer.email or "",
        first_name=customer.first_name,
        last_name=customer.last_name,
        phone=customer.phone,
    )


def _language(customer: Customer) -> str:
    return language_for(get_shop(), customer.language)


def _place(
    *,
    key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    customer: Customer,
    fulfilment: FulfilmentChoice | None,
    note: str,
    payment: PaymentResult,
    actor: TeamMember | None,
    event: OrderEventKind,
) -> Order:
    """``place_order`` for ``customer``, then the staff note and the timeline row. Must
    run inside a transaction."""
    order = place_order(
        idempotency_key=key,
        location=location,
        lines=lines,
        contact=_contact(customer),
        fulfilment=fulfilment,
        payment=payment,
        language=_language(customer),
        account_user=None,
        source=OrderSource.COUNTER,
    )
    if OrderEvent.objects.filter(order=order, kind=event).exists():
        # Placed meanwhile by a twin request (same key): whatever this transaction
        # made (a new customer record) must go.
        raise _PlacedMeanwhile(order)
    if order.customer_id != customer.pk:
        _give_to(order, customer)
    note = note.strip()[:1000]
    if note:
        Order.objects.filter(pk=order.pk).update(note=note)
        order.note = note
    OrderEvent.objects.create(order=order, kind=event, actor=actor)
    return order


def _give_to(order: Order, customer: Customer) -> None:
    """A record without email cannot be found by ``place_order`` (it finds records by
    email), which then made a new one for the order: the order moves to the chosen
    record and that empty new record goes."""
    stray_id = order.customer_id
    Order.objects.filter(pk=order.pk).update(customer=customer)
    order.customer = customer
    if not Order.objects.filter(customer_id=stray_id).exists():
        Customer.objects.filter(pk=stray_id, user__isnull=True).delete()
    recount_orders([customer.pk])


def _send_link(
    *,
    actor: TeamMember,
    key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    customer: Customer | None,
    new_customer: NewCustomer | None,
    fulfilment: FulfilmentChoice | None,
    note: str,
) -> PaymentLink:
    shop = get_shop()
    _check_lines(location, lines, fulfilment)
    now = timezone.now()
    try:
        with transaction.atomic():
            if customer is None:
                assert new_customer is not None
                customer = _record_for(new_customer)
            link = PaymentLink.objects.create(
                token=secrets.token_urlsafe(32),
                idempotency_key=key,
                location=location,
                customer=customer,
                created_by=actor,
                currency=shop.currency,
                amount=amount_due(lines, fulfilment),
                draft={
                    "lines": [[product.pk, quantity] for product, quantity in lines],
                    "fulfilment": _fulfilment_json(fulfilment),
                },
                note=note.strip()[:1000],
                created_at=now,
                expires_at=now + LINK_LIFETIME,
                last_sent_at=now,
                sent_to=customer.email or "",
            )
            _email_link(link, to=link.sent_to, lines=lines)
    except IntegrityError:
        existing = PaymentLink.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    return link


def _email_link(link: PaymentLink, *, to: str, lines: Sequence[tuple[Product, int]]) -> None:
    """The link's email to the customer (the first one, and each resend)."""
    queue_templated_email(
        to=to,
        template=LINK_EMAIL_TEMPLATE,
        context={
            "link": link,
            "customer": link.customer,
            "location": link.location,
            "lines": lines,
            "pay_url": payment_link_url(link),
        },
        language=_language(link.customer),
        kind=LINK_EMAIL_TEMPLATE,
    )


def _check_lines(
    location: Location, lines: Sequence[tuple[Product, int]], fulfilment: FulfilmentChoice | None
) -> None:
    """What ``place_order`` would refuse now, before a link is sent for it: checked by
    placing the order and rolling it back."""

    class _Rollback(Exception):
        pass

    shop = get_shop()
    try:
        with transaction.atomic():
            place_order(
                idempotency_key=f"check:{secrets.token_hex(8)}",
                location=location,
                lines=lines,
                contact=Contact(email=""),
                fulfilment=fulfilment,
                payment=PaymentResult(
                    gateway="check",
                    account="",
                    reference="check",
                    amount=amount_due(lines, fulfilment),
                    currency=shop.currency,
                    method="check",
                    card=None,
                ),
                language=shop.published_language,
                source=OrderSource.COUNTER,
            )
            raise _Rollback
    except _Rollback:
        pass


def _fulfilment_json(choice: FulfilmentChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    data = asdict(choice)
    data["type"] = str(choice.type)
    for field in ("pickup_at", "deliver_at"):
        value = data[field]
        data[field] = value.isoformat() if value else None
    return data


def _fulfilment_from(data: dict[str, Any] | None, location: Location) -> FulfilmentChoice | None:
    """The fulfilment entered with the link; a pickup time that is now too early (the
    link was paid late) becomes "as soon as possible"."""
    if data is None:
        return None
    values = dict(data)
    for field in ("pickup_at", "deliver_at"):
        values[field] = datetime.fromisoformat(values[field]) if values[field] else None
    pickup_at = values["pickup_at"]
    if pickup_at is not None and pickup_at < earliest_pickup(location):
        values["pickup_at"] = None
    return FulfilmentChoice(**values)


def _place_from_link(link: PaymentLink, charge: PaymentResult) -> Order:
    quantities = dict(link.draft["lines"])
    products = {p.pk: p for p in Product.objects.filter(pk__in=list(quantities))}
    if len(products) != len(quantities):
        raise DomainError(
            _("A product of this order is no longer sold. Please contact the shop."),
            code="not_sold",
        )
    lines = [(products[pk], quantity) for pk, quantity in quantities.items()]
    customer = link.customer
    order = _place(
        key=link.idempotency_key,
        location=link.location,
        lines=lines,
        customer=customer,
        fulfilment=_fulfilment_from(link.draft.get("fulfilment"), link.location),
        note=link.note,
        payment=charge,
        actor=None,
        event=OrderEventKind.PAYMENT_LINK_PAID,
    )
    if (
        link.created_by_id is not None
        and not OrderEvent.objects.filter(order=order, kind=OrderEventKind.COUNTER_PLACED).exists()
    ):
        OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.COUNTER_PLACED,
            actor_id=link.created_by_id,
            at=link.created_at,
        )
    return order


# --- personal data (customers.personal_data, customers.services.erasure) -------------


def payment_links_of(customer: Customer) -> list[dict[str, Any]]:
    """The card links sent to the customer, for their personal data export: amount,
    state, dates, the staff note, the fulfilment entered and the address the link was
    last emailed to (the token is left out: it pays the order)."""
    links = PaymentLink.objects.filter(customer=customer).order_by("created_at", "pk")
    return [
        {
            "amount": link.amount,
            "currency": link.currency,
            "state": link.state,
            "note": link.note,
            "fulfilment": link.draft.get("fulfilment"),
            "created_at": link.created_at.isoformat(),
            "expires_at": link.expires_at.isoformat(),
            "paid_at": link.paid_at.isoformat() if link.paid_at else None,
            "cancelled_at": link.cancelled_at.isoformat() if link.cancelled_at else None,
            "sent_to": link.sent_to,
            "emails_sent": link.send_count,
            "last_sent_at": link.last_sent_at.isoformat() if link.last_sent_at else None,
        }
        for link in links
    ]


def erase_payment_links(customer: Customer) -> int:
    """Erasure: links not paid (waiting, expired or cancelled) are deleted (they can no
    longer be paid); paid ones lose their note, fulfilment details and the address they
    were sent to (their order keeps the amounts). Returns how many links were touched."""
    links = PaymentLink.objects.filter(customer=customer)
    deleted, _rows = links.exclude(state=PaymentLinkState.PAID).delete()
    blanked = links.update(note="", draft={}, sent_to="")
    return deleted + blanked
