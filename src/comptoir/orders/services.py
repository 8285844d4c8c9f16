"""Placing orders. ``place_order`` is the one way a paid checkout becomes an order.

The caller (checkout) charges the payment first, outside any transaction, and refunds it
if ``place_order`` raises: a shortage (Conflict), a price that changed since the page was
shown, a product no longer sold, a pickup time now too early. Everything else happens
here in one transaction, so an error leaves nothing behind.

Lock order inside the transaction: customer row (find/create by email), the order's
idempotency key (unique insert), then availability rows in product id order."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.alerts.services import announce_new_order
from comptoir.catalog.models import Availability, Product, in_language
from comptoir.catalog.services import decrement_stock
from comptoir.compiled_insert import insert, insert_many
from comptoir.compiled_read import CompiledValues
from comptoir.customers.phones import to_e164
from comptoir.customers.services import find_or_create_for_order, normalise_email
from comptoir.customers.services.order_stats import count_new_order
from comptoir.errors import Conflict, DomainError, InvalidInput
from comptoir.giftcards.models import GiftCard
from comptoir.giftcards.services import redeem as redeem_gift_card
from comptoir.jobs.dispatch import enqueued_together
from comptoir.mail.services import queue_rendered_later
from comptoir.messaging.order_texts import text_receipt
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderLine,
    OrderNumber,
    OrderSource,
    OrderState,
    Payment,
)
from comptoir.orders.receipts import RECEIPT_TEMPLATE
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.states import order_state_for
from comptoir.payments.gateways.base import PaymentResult
from comptoir.shop.models import FulfilmentType as Offer
from comptoir.shop.models import Location, Shop
from comptoir.shop.money import format_money
from comptoir.shop.selectors import get_shop, language_for
from comptoir.users.models import Language, User

MAX_QUANTITY = 999


@dataclass(frozen=True)
class Contact:
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class FulfilmentChoice:
    """What the shopper chose. ``fee`` (minor units) is computed by the caller from the
    location's settings (delivery zone, flat shipping rate), never taken from the browser.
    A pickup without ``pickup_at`` is "as soon as possible": now + preparation time."""

    type: FulfilmentType | str
    curbside: bool = False
    vehicle: str = ""
    pickup_at: datetime | None = None
    deliver_at: datetime | None = None
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    courier_notes: str = ""
    table_label: str = ""
    fee: int = 0


def amount_due(lines: Sequence[tuple[Product, int]], fulfilment: FulfilmentChoice | None) -> int:
    """What the customer pays at today's prices, before any coupon or gift card
    (``place_order`` checks it again)."""
    return sum(product.price * quantity for product, quantity in lines) + (
        fulfilment.fee if fulfilment else 0
    )


@dataclass(frozen=True)
class GiftCardTender:
    """The part of an order a gift card pays, redeemed in the order's transaction (so a
    refused order gives it back by rolling back). Site and table orders only."""

    card: GiftCard
    amount: int


@dataclass(frozen=True)
class Discount:
    """A part of the price the shop waives (a coupon): the order records it
    (``Order.discount``, ``discount_code`` as shown to the customer), its total is what
    the payments cover (subtotal + fees - discount), and revenue counts that. ``apply(order)``
    runs in the order's transaction and raises a DomainError when the discount no longer
    holds (the coupon was used meanwhile): the order then rolls back."""

    amount: int
    apply: Callable[[Order], object]
    code: str = ""


def place_order(
    *,
    idempotency_key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    contact: Contact,
    fulfilment: FulfilmentChoice | None,
    payment: PaymentResult | None,
    language: str,
    sms_consent: str | None = None,
    account_user: User | None = None,
    source: OrderSource = OrderSource.SITE,
    gift_card: GiftCardTender | None = None,
    discount: Discount | None = None,
    on_placed: Callable[[Order], object] | None = None,
) -> Order:
    """Create the order paid by ``payment``, or return the one already placed with
    ``idempotency_key`` (unchanged). ``sms_consent`` is the exact wording of the
    "text me about this order" box when ticked, None when not. Raises Conflict when
    stock is short and DomainError/InvalidInput when the order cannot be accepted as
    asked; the caller then refunds ``payment``. ``gift_card`` pays part or all of the
    total (``payment`` then pays the rest, or is None). ``on_placed(order)`` runs in the
    order's transaction once it is written (the checkout empties its cart there: one
    commit less than on its own), not when the order was already placed."""
    if not idempotency_key:
        raise ValueError("place_order needs an idempotency key")
    if gift_card is not None and source not in (OrderSource.SITE, OrderSource.TABLE):
        raise DomainError(
            _("Only orders from the shop's site or a table can be paid with a gift card."),
            code="gift_card_not_accepted",
        )
    try:
        return _place(
            idempotency_key=idempotency_key,
            location=location,
            lines=lines,
            contact=contact,
            fulfilment=fulfilment,
            payment=payment,
            language=language,
            sms_consent=sms_consent,
            account_user=account_user,
            source=source,
            gift_card=gift_card,
            discount=discount,
            on_placed=on_placed,
        )
    except IntegrityError as error:
        return _placed_meanwhile(idempotency_key, error)


def _place(
    *,
    idempotency_key: str,
    location: Location,
    lines: Sequence[tuple[Product, int]],
    contact: Contact,
    fulfilment: FulfilmentChoice | None,
    payment: PaymentResult | None,
    language: str,
    sms_consent: str | None,
    account_user: User | None,
    source: OrderSource,
    gift_card: GiftCardTender | None,
    discount: Discount | None = None,
    on_placed: Callable[[Order], object] | None = None,
) -> Order:
    shop = get_shop()
    now = timezone.now()
    with transaction.atomic():
        existing = order_placed_with(idempotency_key)
        if existing is not None:
            return existing
        if language not in Language.values:
            language = shop.published_language
        quantities = _merged_quantities(lines)
        sold, availabilities = _sold_products(location, quantities)
        fee = _check_fulfilment(location, fulfilment, now)
        subtotal = sum(sold[pk].price * quantity for pk, quantity in quantities.items())
        price = subtotal + fee
        waived = discount.amount if discount else 0
        if not 0 <= waived <= price:
            raise ValueError("a discount is between zero and the order's price")
        total = price - waived  # what the payments cover
        paid = (payment.amount if payment else 0) + (gift_card.amount if gift_card else 0)
        if paid != total or (payment and payment.currency.upper() != shop.currency.upper()):
            raise DomainError(
                _(
                    "The prices changed while you were paying: the total is now %(total)s. Your payment will be refunded; please check your cart and pay again."
                )
                % {
                    "total": format_money(
                        price, shop.currency, translation.get_language() or language
                    )
                },
                code="total_mismatch",
            )
        email = normalise_email(contact.email)
        phone = to_e164(contact.phone, shop.country)
        if sms_consent and not phone:
            raise InvalidInput(
                {"phone": _("Give a phone number to receive texts about this order.")}
            )
        order = _new_order(
            idempotency_key=idempotency_key,
            contact=contact,
            email=email,
            phone=phone,
            language=language,
            account_user=account_user,
            location=location,
            currency=shop.currency,
            region=shop.country,
            now=now,
            source=source,
            subtotal=subtotal,
            fees=fee,
            discount=waived,
            discount_code=(discount.code if discount else "")[:24],
            total=total,
            sms_consent=bool(sms_consent),
            sms_consent_text=sms_consent or "",
            sms_consent_at=now if sms_consent else None,
        )
        # Product id order, so two orders for the same products never deadlock.
        for pk in sorted(quantities):
            decrement_stock(
                product=sold[pk],
                location=location,
                quantity=quantities[pk],
                availability=availabilities[pk],
            )
        insert_many(
            [
                OrderLine(
                    order=order,
                    product=sold[pk],
                    category_id=sold[pk].category_id,
                    name=in_language(sold[pk], "name", language),
                    sku=sold[pk].sku or "",
                    unit_price=sold[pk].price,
                    quantity=quantity,
                    total=sold[pk].price * quantity,
                )
                for pk, quantity in quantities.items()
            ]
        )
        if fulfilment is not None:
            _create_fulfilment(order, location, fulfilment, now)
        state = order_state_for(order.state, FulfilmentState.PROPOSED if fulfilment else None)
        if state != order.state:
            order.state = state
            order.save(update_fields=["state", "updated_at"])
        if payment is not None:
            _record_payment(order, payment)
        if gift_card is not None:
            _redeem_gift_card(order, gift_card, idempotency_key)
        if discount is not None:
            discount.apply(order)
        if on_placed is not None:
            on_placed(order)
        with enqueued_together():  # the receipt's, alert's and reminder's tasks: one INSERT
            _queue_receipt(order, shop=shop)
            announce_new_order(order, shop=shop, accept_from=now if fulfilment else None)
    return order


def _redeem_gift_card(order: Order, tender: GiftCardTender, idempotency_key: str) -> Payment:
    """Take the gift card's part (refused beyond its balance: the order rolls back) and
    record it as a payment (gateway "gift_card", account: the card's id)."""
    activity = redeem_gift_card(
        card=tender.card,
        amount=tender.amount,
        idempotency_key=f"{idempotency_key}:gift-card",
        order=order,
    )
    return insert(
        Payment(
            order=order,
            gateway="gift_card",
            account=str(tender.card.pk),
            reference=f"gca_{activity.pk}",
            method="gift_card",
            amount=tender.amount,
            currency=order.currency,
            card_last4=tender.card.code[-4:],
        )
    )


MAX_DONATION = 1_000_000_00  # minor units: a typo guard, not a policy


def place_donation(
    *,
    idempotency_key: str,
    location: Location,
    amount: int,
    note: str,
    contact: Contact,
    payment: PaymentResult,
    language: str,
    account_user: User | None = None,
) -> Order:
    """Record a paid donation: an order with one line without product and no
    fulfilment, so it is completed at once; same idempotency, customer record and
    receipt as ``place_order``. Raises DomainError (the caller refunds)."""
    if not idempotency_key:
        raise ValueError("place_donation needs an idempotency key")
    shop = get_shop()
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_DONATION:
        raise InvalidInput({"amount": _("Choose an amount of more than zero.")})
    if payment.amount != amount or payment.currency.upper() != shop.currency.upper():
        raise DomainError(_("The payment does not match the donation."), code="total_mismatch")
    with translation.override(language if language in Language.values else shop.published_language):
        line_name = _("Donation")
    return place_paid_without_fulfilment(
        idempotency_key=idempotency_key,
        location=location,
        amount=amount,
        line_name=line_name,
        contact=contact,
        payment=payment,
        language=language,
        account_user=account_user,
        order_fields={"is_donation": True, "note": note.strip()[:1000]},
    )


def place_paid_without_fulfilment(
    *,
    idempotency_key: str,
    location: Location,
    amount: int,
    line_name: str,
    contact: Contact,
    payment: PaymentResult,
    language: str,
    account_user: User | None = None,
    order_fields: dict[str, object] | None = None,
    then: Callable[[Order, str], object] | None = None,
) -> Order:
    """A paid order of one line without product and without fulfilment (a donation, an
    e-gift card), completed at once; the same idempotency, customer record and receipt as
    ``place_order``. ``then(order, language)`` runs in the same transaction before the
    receipt is queued (e.g. issuing the gift card). Returns the order already placed with
    the key, if any."""
    shop = get_shop()
    try:
        with transaction.atomic():
            existing = Order.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            if language not in Language.values:
                language = shop.published_language
            order = _new_order(
                idempotency_key=idempotency_key,
                contact=contact,
                email=normalise_email(contact.email),
                phone=to_e164(contact.phone, shop.country),
                language=language,
                account_user=account_user,
                location=location,
                currency=shop.currency,
                region=shop.country,
                now=timezone.now(),
                state=order_state_for(OrderState.OPEN, None),  # no fulfilment: completed
                subtotal=amount,
                fees=0,
                total=amount,
                **(order_fields or {}),
            )
            OrderLine.objects.create(
                order=order, name=line_name[:160], unit_price=amount, quantity=1, total=amount
            )
            _record_payment(order, payment)
            if then is not None:
                then(order, language)
            _queue_receipt(order, shop=shop)
    except IntegrityError as error:
        return _placed_meanwhile(idempotency_key, error)
    return order


def attach_to_account(*, order: Order, user: User) -> Order:
    """Give an order placed while the shopper created their account to that account
    (its customer record must be the order's); an order already owned is left as is."""
    with transaction.atomic():
        Order.objects.filter(pk=order.pk, account__isnull=True, customer__user=user).update(
            account=user
        )
        order.refresh_from_db(fields=["account"])
    return order


def earliest_pickup(location: Location, now: datetime | None = None) -> datetime:
    """The earliest pickup time an order placed ``now`` can promise."""
    return (now or timezone.now()) + timedelta(minutes=location.preparation_minutes)


def check_pickup_time(location: Location, pickup_at: datetime, now: datetime | None = None) -> None:
    """Refuse a pickup time earlier than now + the location's preparation time. Public so
    the checkout can check before charging, as well as here after."""
    earliest = earliest_pickup(location, now)
    if pickup_at < earliest:
        with timezone.override(location.time_zone):
            shown = timezone.localtime(earliest).strftime("%H:%M")
        raise InvalidInput(
            {
                "pickup_at": _("The earliest pickup time is %(time)s. Please choose a later time.")
                % {"time": shown}
            },
            code="pickup_too_early",
        )


# --- steps of place_order ----------------------------------------------------------


def _merged_quantities(lines: Iterable[tuple[Product, int]]) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for product, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise DomainError(
                _("Quantities must be whole numbers of at least 1."), code="invalid_quantity"
            )
        quantities[product.pk] = quantities.get(product.pk, 0) + quantity
    if not quantities:
        raise DomainError(_("Your cart is empty."), code="empty_order")
    if any(quantity > MAX_QUANTITY for quantity in quantities.values()):
        raise DomainError(
            _("At most %(count)s of one product per order.") % {"count": MAX_QUANTITY},
            code="invalid_quantity",
        )
    return quantities


def _sold_products(
    location: Location, quantities: dict[int, int]
) -> tuple[dict[int, Product], dict[int, Availability]]:
    """Today's products (fresh prices) and their availability rows here, refusing any
    not active or not sold here."""
    availabilities = {
        a.product_id: a
        for a in _availabilities_with_products(location.pk, list(quantities))
        if a.is_available and a.product.is_active
    }
    sold = {pk: a.product for pk, a in availabilities.items()}
    missing = [pk for pk in quantities if pk not in sold]
    if missing:
        names = Product.objects.filter(pk__in=missing).order_by("pk")
        raise DomainError(
            _("No longer sold at %(location)s: %(products)s. Please remove it from your cart.")
            % {"location": location.name, "products": ", ".join(p.name for p in names) or "?"},
            code="not_sold",
        )
    return sold, availabilities


# The availability rows of an order's products, with the products: the statement of
# each number of products (up to MAX_COMPILED_PRODUCTS) compiled once per process, the
# rows read in the order's transaction each time and made into objects as the ORM does.
_AVAILABILITY_FIELDS = [field.attname for field in Availability._meta.concrete_fields]
_PRODUCT_FIELDS = [field.attname for field in Product._meta.concrete_fields]
MAX_COMPILED_PRODUCTS = 12
_availability_reads: dict[int, CompiledValues] = {}


def _availabilities_with_products(location_id: int, product_ids: list[int]) -> list[Availability]:
    count = len(product_ids)
    if count > MAX_COMPILED_PRODUCTS:
        return list(
            Availability.objects.select_related("product").filter(
                location_id=location_id, product_id__in=product_ids
            )
        )
    read = _availability_reads.get(count)
    if read is None:
        read = _availability_reads[count] = CompiledValues(
            lambda _key, location, *products: Availability.objects.filter(
                location_id=location, product_id__in=products
            ).values_list(*_AVAILABILITY_FIELDS, *(f"product__{name}" for name in _PRODUCT_FIELDS)),
            placeholders=tuple(-7_913_572_468_135 - n for n in range(count + 1)),
        )
    split = len(_AVAILABILITY_FIELDS)
    found = []
    for row in read.rows(None, location_id, *product_ids):
        availability = Availability.from_db("default", _AVAILABILITY_FIELDS, row[:split])
        availability.product = Product.from_db("default", _PRODUCT_FIELDS, row[split:])
        found.append(availability)
    return found


def _offer_for(choice: FulfilmentChoice) -> Offer:
    """The location setting that allows this fulfilment."""
    kind = FulfilmentType(choice.type)
    if kind == FulfilmentType.PICKUP:
        return Offer.CURBSIDE if choice.curbside else Offer.PICKUP
    return {
        FulfilmentType.DELIVERY: Offer.DELIVERY,
        FulfilmentType.SHIPMENT: Offer.SHIPPING,
        FulfilmentType.TABLE: Offer.TABLE,
    }[kind]


def _check_fulfilment(location: Location, choice: FulfilmentChoice | None, now: datetime) -> int:
    """Refuse what the location does not offer or what is incomplete; return the fee."""
    if choice is None:
        return 0
    try:
        offer = _offer_for(choice)
    except ValueError:
        raise DomainError(_("Unknown fulfilment type."), code="invalid_fulfilment") from None
    if not location.offers(offer):
        raise DomainError(
            _("%(location)s does not offer %(fulfilment)s.")
            % {"location": location.name, "fulfilment": str(offer.label).lower()},
            code="fulfilment_not_offered",
        )
    if isinstance(choice.fee, bool) or not isinstance(choice.fee, int) or choice.fee < 0:
        raise ValueError("fulfilment fee must be a non-negative int of minor units")
    kind = FulfilmentType(choice.type)
    errors: dict[str, str] = {}
    if kind == FulfilmentType.PICKUP:
        if choice.pickup_at is not None:
            check_pickup_time(location, choice.pickup_at, now)
        if choice.curbside and not choice.vehicle.strip():
            errors["vehicle"] = _("Describe your vehicle so the staff can find you.")
    elif kind in (FulfilmentType.DELIVERY, FulfilmentType.SHIPMENT):
        if not choice.address_line1.strip():
            errors["address_line1"] = _("Give the street address.")
        if not choice.postal_code.strip():
            errors["postal_code"] = _("Give the postal code.")
        if not choice.city.strip():
            errors["city"] = _("Give the city.")
    elif kind == FulfilmentType.TABLE and not choice.table_label.strip():
        errors["table_label"] = _("Which table?")
    if errors:
        raise InvalidInput(errors, code="invalid_fulfilment")
    return choice.fee


def _new_order(
    *,
    idempotency_key: str,
    contact: Contact,
    email: str,
    phone: str,
    language: str,
    account_user: User | None,
    location: Location,
    currency: str,
    region: str,
    now: datetime,
    **amounts_and_kind: object,
) -> Order:
    """Finds or creates the customer record, then inserts the order, which claims the
    idempotency key (a concurrent twin makes this raise IntegrityError)."""
    customer = find_or_create_for_order(
        email=email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        phone=phone,
        language=language,
        region=region,
    )
    order = Order(
        number=_next_number(),
        customer=customer,
        account=account_user if account_user and account_user.is_authenticated else None,
        location=location,
        currency=currency,
        email=email,
        phone=phone,  # as given now, even if the customer record keeps an older number
        first_name=contact.first_name.strip()[:100],
        last_name=contact.last_name.strip()[:100],
        language=language,
        idempotency_key=idempotency_key,
        placed_at=now,
        status_token=secrets.token_urlsafe(24),
        **amounts_and_kind,
    )
    insert(order)
    count_new_order(
        customer_id=customer.pk, total=order.total, placed_at=now, location_id=location.pk
    )
    return order


def _record_payment(order: Order, payment: PaymentResult) -> Payment:
    return insert(
        Payment(
            order=order,
            gateway=payment.gateway,
            account=payment.account,
            reference=payment.reference,
            method=payment.method,
            amount=payment.amount,
            currency=payment.currency.upper(),
            card_brand=payment.card.brand if payment.card else "",
            card_last4=payment.card.last4 if payment.card else "",
        )
    )


def _placed_meanwhile(idempotency_key: str, error: IntegrityError) -> Order:
    """After a rolled-back insert: losing the race for the idempotency key means the
    same checkout was placed by another request meanwhile (PostgreSQL made our insert
    wait for its commit), and that order is the answer."""
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    raise Conflict(
        _("This order could not be saved, please try again."), code="order_conflict"
    ) from error


def _next_number() -> str:
    return f"C-{insert(OrderNumber()).pk:06d}"


def _create_fulfilment(
    order: Order, location: Location, choice: FulfilmentChoice, now: datetime
) -> Fulfilment:
    kind = FulfilmentType(choice.type)
    is_pickup = kind == FulfilmentType.PICKUP
    has_address = kind in (FulfilmentType.DELIVERY, FulfilmentType.SHIPMENT)
    return insert(
        Fulfilment(
            order=order,
            type=kind,
            state=FulfilmentState.PROPOSED,
            preparation_minutes=location.preparation_minutes,
            pickup_at=(choice.pickup_at or earliest_pickup(location, now)) if is_pickup else None,
            curbside=is_pickup and choice.curbside,
            vehicle=choice.vehicle.strip()[:120] if is_pickup and choice.curbside else "",
            deliver_at=choice.deliver_at if kind == FulfilmentType.DELIVERY else None,
            address_line1=choice.address_line1.strip()[:200] if has_address else "",
            address_line2=choice.address_line2.strip()[:200] if has_address else "",
            postal_code=choice.postal_code.strip()[:20] if has_address else "",
            city=choice.city.strip()[:100] if has_address else "",
            country=(choice.country or location.country).upper()[:2] if has_address else "",
            courier_notes=choice.courier_notes.strip() if kind == FulfilmentType.DELIVERY else "",
            table_label=choice.table_label.strip()[:40] if kind == FulfilmentType.TABLE else "",
            placed_at=now,
        )
    )


def _queue_receipt(order: Order, *, shop: Shop) -> None:
    """The receipt, in the customer's language when the shop publishes it. The worker
    renders its text and HTML from the order (orders.receipts) just before sending."""
    # By text too for shoppers who asked for texts about the order.
    text_receipt(order)
    if not order.email:
        return
    queue_rendered_later(
        to=order.email,
        template=RECEIPT_TEMPLATE,
        about_id=order.pk,
        subject_context={"order": order},
        language=language_for(shop, order.customer.language or order.language),
        kind="order_receipt",
    )
