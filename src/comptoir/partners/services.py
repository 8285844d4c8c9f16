"""Writes of the partners app: applying a partner's events, staff decisions sent back to
the partner, and the partner settings.

An event is applied in one transaction that also inserts its ``ProcessedEvent`` row:
a replay finds the row (or loses the insert race) and is acknowledged without effect.
Partner orders are ordinary orders (source "partner", at the partner's location, for a
customer record found by email or phone), built the way ``orders.services`` builds a
checkout's, minus payment (the partner collected it) and stock (the partner sells
what its own menu says is available)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from comptoir.alerts.services import announce_new_order
from comptoir.catalog.models import Product, in_language
from comptoir.compiled_insert import insert, insert_many
from comptoir.compiled_read import CompiledValues
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.customers.services import find_or_create_for_order, normalise_email
from comptoir.customers.services.order_stats import count_new_order, recount_orders
from comptoir.errors import Conflict, DomainError, InvalidInput, NotFound
from comptoir.jobs.dispatch import enqueue_after_commit
from comptoir.orders.events import record_event
from comptoir.orders.fulfilment import accept_order
from comptoir.orders.models import (
    Fulfilment,
    FulfilmentState,
    FulfilmentType,
    Order,
    OrderEventKind,
    OrderLine,
    OrderNumber,
    OrderSource,
    OrderState,
)
from comptoir.orders.states import TERMINAL_FULFILMENT_STATES
from comptoir.partners import events as ev
from comptoir.partners.models import (
    ClosingReason,
    Decision,
    Partner,
    PartnerCallback,
    PartnerItem,
    PartnerOrder,
    ProcessedEvent,
)
from comptoir.partners.signing import new_secret
from comptoir.partners.tasks import send_partner_callback
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require, require_location
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

MAX_DELAY_MINUTES = 120
# Timeline kinds the orders app does not name yet (OrderEventKind): shown as the code.
PARTNER_UPDATED_EVENT = "partner_updated"
DELAYED_EVENT = "delayed"


@dataclass(frozen=True)
class EventOutcome:
    status: str  # applied, already_processed, duplicate_order, ignored
    order_number: str = ""


# --- partner events (the webhook) --------------------------------------------------


def receive_event(*, partner: Partner, event: ev.Event) -> EventOutcome:
    """Apply ``event`` once. Raises NotFound for an update or cancellation of an order
    we never received (not recorded: the partner's retry applies it once we have it)."""
    if _processed(partner, event.id):
        return EventOutcome("already_processed")
    try:
        with transaction.atomic():
            insert(
                ProcessedEvent(
                    partner=partner,
                    event_id=event.id,
                    event_type=event.type,
                    received_at=timezone.now(),
                )
            )
            if event.type == ev.ORDER_CREATED:
                return _create_order(partner, event.order)
            if event.type == ev.ORDER_UPDATED:
                return _update_order(partner, event.order)
            return _cancel_order(partner, event.order)
    except IntegrityError as error:
        # A twin delivery committed first (PostgreSQL made this insert wait for it).
        if _processed(partner, event.id):
            return EventOutcome("already_processed")
        number = _existing_number(partner, event.order.id)
        if event.type == ev.ORDER_CREATED and number is not None:
            return EventOutcome("duplicate_order", number)
        raise Conflict(_("The event could not be saved, please retry.")) from error


# The reads every delivery makes, their statements compiled once per process (the
# ORM wrote each again at every event): whether the event was applied, the number of the
# order already received under the partner's id, the products the items are mapped to.
_PLACEHOLDER_ID = -7_913_572_468_135
_PLACEHOLDER_TEXT = "compiled-values-placeholder"
_processed_event = CompiledValues(
    lambda _key, partner_id, event_id: ProcessedEvent.objects.filter(
        partner_id=partner_id, event_id=event_id
    ).values_list("pk")[:1],
    placeholders=(_PLACEHOLDER_ID, _PLACEHOLDER_TEXT),
)
_order_number_for = CompiledValues(
    lambda _key, partner_id, external_id: PartnerOrder.objects.filter(
        partner_id=partner_id, external_id=external_id
    ).values_list("order__number")[:1],
    placeholders=(_PLACEHOLDER_ID, _PLACEHOLDER_TEXT),
)


def _processed(partner: Partner, event_id: str) -> bool:
    return bool(_processed_event.rows(None, partner.pk, event_id))


def _existing_number(partner: Partner, external_id: str) -> str | None:
    """The number of the order received from ``partner`` under ``external_id``, if any."""
    found = _order_number_for.rows(None, partner.pk, external_id)
    return found[0][0] if found else None


def _create_order(partner: Partner, data: ev.OrderData) -> EventOutcome:
    number = _existing_number(partner, data.id)
    if number is not None:  # a second "created" for the same order under a new event id
        return EventOutcome("duplicate_order", number)
    shop = get_shop()
    _check_currency(data, shop.currency)
    now = timezone.now()
    location = partner.location
    language = shop.published_language
    lines, unknown = _lines(partner, data.items, language)
    subtotal = sum(line.total for line in lines)
    email, phone = normalise_email(data.email), _phone(data.phone, shop.country)
    customer = _customer(data, email=email, phone=phone, language=language, region=shop.country)
    order = Order(
        # The same numbers as checkout orders (orders.services): one row per number.
        number=f"C-{insert(OrderNumber()).pk:06d}",
        source=OrderSource.PARTNER,
        customer=customer,
        location=location,
        currency=shop.currency,
        subtotal=subtotal,
        fees=0,
        total=subtotal,
        email=email,
        phone=phone,
        first_name=data.first_name,
        last_name=data.last_name,
        language=language,
        # Also unique in the orders table: a second order for this partner id cannot exist.
        idempotency_key=f"partner:{partner.pk}:{data.id}",
        placed_at=now,
        status_token=secrets.token_urlsafe(24),
        note=data.note,
    )
    insert(order)
    count_new_order(
        customer_id=customer.pk, total=order.total, placed_at=now, location_id=location.pk
    )
    for line in lines:
        line.order = order
    insert_many(lines)
    insert(
        Fulfilment(
            order=order,
            type=FulfilmentType.PICKUP,  # the partner's courier (or its customer) collects it
            state=FulfilmentState.PROPOSED,
            preparation_minutes=location.preparation_minutes,
            pickup_at=data.pickup_at or now + timedelta(minutes=location.preparation_minutes),
            placed_at=now,
        )
    )
    insert(PartnerOrder(order=order, partner=partner, external_id=data.id, unknown_items=unknown))
    announce_new_order(order, shop=shop, accept_from=now)
    return EventOutcome("applied", order.number)


def _update_order(partner: Partner, data: ev.OrderData) -> EventOutcome:
    partner_order = _locked(partner, data.id)
    order = partner_order.order
    fulfilment = order.fulfilment
    if order.state != OrderState.OPEN or fulfilment.state in TERMINAL_FULFILMENT_STATES:
        return EventOutcome("ignored", order.number)
    shop = get_shop()
    _check_currency(data, shop.currency)
    changed_total = False
    if data.items:
        lines, unknown = _lines(partner, data.items, order.language)
        OrderLine.objects.filter(order=order).delete()
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        partner_order.unknown_items = unknown
        partner_order.save(update_fields=["unknown_items"])
        order.subtotal = order.total = sum(line.total for line in lines)
        changed_total = True
    if data.pickup_at is not None:
        fulfilment.pickup_at = data.pickup_at
        fulfilment.save(update_fields=["pickup_at"])
    if data.note:
        order.note = data.note
    order.version = F("version") + 1
    order.save(update_fields=["subtotal", "total", "note", "version", "updated_at"])
    order.refresh_from_db(fields=["version"])
    # Kinds outside OrderEventKind show as their code until the orders app names them.
    record_event(order, PARTNER_UPDATED_EVENT, version=order.version)
    if changed_total:
        recount_orders([order.customer_id])
    return EventOutcome("applied", order.number)


def _in_shop_language(label: Promise) -> str:
    """A reason stored on the order as staff read it: in the shop's language, whatever
    language the request (a partner's webhook, a staff member's page) was in."""
    with translation.override(get_shop().published_language):
        return str(label)


def _cancel_order(partner: Partner, data: ev.OrderData) -> EventOutcome:
    """Cancelled on the partner's side: the fulfilment ends as cancelled ("cancelled by
    partner") and so the order is completed (orders.states.order_state_for), with the
    closing reason on the partner order."""
    partner_order = _locked(partner, data.id)
    order = partner_order.order
    fulfilment = order.fulfilment
    if fulfilment.state in TERMINAL_FULFILMENT_STATES:
        return EventOutcome("ignored", order.number)
    now = timezone.now()
    before = fulfilment.state
    fulfilment.state = FulfilmentState.CANCELLED
    fulfilment.cancelled_at = now
    fulfilment.cancel_reason = _in_shop_language(ClosingReason.CANCELLED_BY_PARTNER.label)
    fulfilment.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    order.state = OrderState.COMPLETED
    order.version = F("version") + 1
    order.save(update_fields=["state", "version", "updated_at"])
    partner_order.closing_reason = ClosingReason.CANCELLED_BY_PARTNER
    partner_order.save(update_fields=["closing_reason"])
    order.refresh_from_db(fields=["version"])
    record_event(
        order,
        OrderEventKind.CANCELLED,
        from_state=before,
        to_state=FulfilmentState.CANCELLED,
        reason=ClosingReason.CANCELLED_BY_PARTNER.value,
        version=order.version,
    )
    recount_orders([order.customer_id])
    return EventOutcome("applied", order.number)


def _locked(partner: Partner, external_id: str) -> PartnerOrder:
    """The partner order and its order, order row locked (staff may act at the same time)."""
    partner_order = (
        PartnerOrder.objects.select_related("order")
        .select_for_update(of=("order",))
        .filter(partner=partner, external_id=external_id)
        .first()
    )
    if partner_order is None:
        raise NotFound(_("No order with this id was received from you."), code="unknown_order")
    return partner_order


def _check_currency(data: ev.OrderData, currency: str) -> None:
    if data.currency and data.currency != currency.upper():
        raise InvalidInput(
            {"order.currency": _("This shop sells in %(currency)s.") % {"currency": currency}},
            code="wrong_currency",
        )


def _lines(
    partner: Partner, items: tuple[ev.ItemData, ...], language: str
) -> tuple[list[OrderLine], list[dict[str, object]]]:
    """Order lines for the partner's items. A mapped item sells our product (its
    category recorded for kitchen routing); an unmapped one is kept as a line without
    product, named as the partner named it, and listed in the returned unknown items.
    The price is the partner's when it gives one (what its customer paid), else ours."""
    mapped = _mapped_products(partner, sorted({i.id for i in items if i.id}))
    lines, unknown = [], []
    for item in items:
        product = mapped.get(item.id)
        if product is None:
            price = item.unit_price or 0
            unknown.append(
                {"id": item.id, "name": item.name, "quantity": item.quantity, "note": item.note}
            )
        else:
            price = product.price if item.unit_price is None else item.unit_price
        lines.append(
            OrderLine(
                product=product,
                category_id=product.category_id if product else None,
                name=(in_language(product, "name", language) if product else item.name)[:160],
                sku=(product.sku or "") if product else "",
                unit_price=price,
                quantity=item.quantity,
                total=price * item.quantity,
            )
        )
    return lines, unknown


# The products of a delivery's mapped items: the statement for each number of distinct
# item ids (up to MAX_COMPILED_ITEMS) compiled once per process, the products made into
# objects as the ORM does.
_PRODUCT_FIELDS = [field.attname for field in Product._meta.concrete_fields]
MAX_COMPILED_ITEMS = 12
_mapped_reads: dict[int, CompiledValues] = {}


def _mapped_products(partner: Partner, external_ids: list[str]) -> dict[str, Product]:
    if not external_ids:
        return {}
    count = len(external_ids)
    if count > MAX_COMPILED_ITEMS:
        return {
            item.external_id: item.product
            for item in PartnerItem.objects.select_related("product").filter(
                partner=partner, external_id__in=external_ids
            )
        }
    read = _mapped_reads.get(count)
    if read is None:
        placeholders = (_PLACEHOLDER_ID, *(f"{_PLACEHOLDER_TEXT}-{n}" for n in range(count)))
        read = _mapped_reads[count] = CompiledValues(
            lambda _key, partner_id, *ids: PartnerItem.objects.filter(
                partner_id=partner_id, external_id__in=ids
            ).values_list("external_id", *(f"product__{name}" for name in _PRODUCT_FIELDS)),
            placeholders=placeholders,
        )
    return {
        row[0]: Product.from_db("default", _PRODUCT_FIELDS, row[1:])
        for row in read.rows(None, partner.pk, *external_ids)
    }


def _phone(raw: str, region: str) -> str:
    try:
        return to_e164(raw, region)
    except InvalidPhone:
        return ""  # the partner's number is not ours to refuse; the order still arrives


def _customer(
    data: ev.OrderData, *, email: str, phone: str, language: str, region: str
) -> Customer:
    """By email (customers' own rule), else the oldest record with this phone, else new."""
    if not email and phone:
        known = Customer.objects.filter(phone=phone).order_by("pk").first()
        if known is not None:
            return known
    return find_or_create_for_order(
        email=email,
        first_name=data.first_name,
        last_name=data.last_name,
        phone=phone,
        language=language,
        region=region,
    )


# --- staff decisions, sent back to the partner -------------------------------------


def accept_partner_order(
    *, actor: TeamMember, partner_order_id: int, version: int | None = None
) -> PartnerOrder:
    """Accept through the orders' own ``accept_order`` (version check, transition,
    timeline) and tell the partner when the order will be ready."""
    require(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic():
        partner_order = _for_staff(actor, partner_order_id, None)
        moved = accept_order(
            actor=actor,
            order_id=partner_order.order_id,
            expected_version=partner_order.order.version if version is None else version,
        )
        fulfilment = moved.fulfilment
        accepted_at = fulfilment.accepted_at or timezone.now()
        _record_decision(partner_order, actor, Decision.ACCEPTED, accepted_at)
        ready_at = accepted_at + timedelta(minutes=fulfilment.preparation_minutes)
        _queue_callback(partner_order, "order.accepted", {"ready_at": ready_at.isoformat()})
    return partner_order


def decline_partner_order(
    *, actor: TeamMember, partner_order_id: int, version: int | None = None
) -> PartnerOrder:
    """Decline (only before accepting): the fulfilment and the order are cancelled (it
    never was a sale, so it is not revenue) and the partner is told, which cancels it
    for its customer. Staff cancelling an accepted partner order is what
    ``orders.fulfilment`` refuses: that happens on the partner's platform."""
    require(actor, Permission.MANAGE_ORDERS)
    now = timezone.now()
    with transaction.atomic():
        partner_order = _for_staff(actor, partner_order_id, version)
        order = partner_order.order
        fulfilment = order.fulfilment
        if fulfilment.state != FulfilmentState.PROPOSED:
            raise DomainError(
                _("Only an order not yet accepted can be declined."), code="decline_too_late"
            )
        before = fulfilment.state
        fulfilment.state, fulfilment.cancelled_at = FulfilmentState.CANCELLED, now
        fulfilment.cancel_reason = _in_shop_language(ClosingReason.DECLINED.label)
        fulfilment.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        order.state = OrderState.CANCELLED
        _bump(order, "state")
        partner_order.closing_reason = ClosingReason.DECLINED
        _record_decision(partner_order, actor, Decision.DECLINED, now)
        record_event(
            order,
            OrderEventKind.CANCELLED,
            actor=actor,
            from_state=before,
            to_state=FulfilmentState.CANCELLED,
            reason=ClosingReason.DECLINED.value,
            version=order.version,
        )
        recount_orders([order.customer_id])
        _queue_callback(partner_order, "order.declined", {})
    return partner_order


def _record_decision(
    partner_order: PartnerOrder, actor: TeamMember, decision: Decision, at: datetime
) -> None:
    partner_order.decision, partner_order.decided_at = decision, at
    partner_order.decided_by = actor
    partner_order.save(update_fields=["decision", "decided_at", "decided_by", "closing_reason"])


def delay_partner_order(
    *, actor: TeamMember, partner_order_id: int, minutes: int, version: int | None = None
) -> PartnerOrder:
    """Push the ready time back by ``minutes``, only for partners that accept it; the
    new time goes to the partner."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidInput({"minutes": _("Choose a number of minutes.")})
    if not 1 <= minutes <= MAX_DELAY_MINUTES:
        raise InvalidInput(
            {"minutes": _("Choose from 1 to %(max)s minutes.") % {"max": MAX_DELAY_MINUTES}}
        )
    require(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic():
        partner_order = _for_staff(actor, partner_order_id, version)
        if not partner_order.partner.supports_delay:
            raise DomainError(
                _("%(partner)s does not accept a new preparation time.")
                % {"partner": partner_order.partner.name},
                code="delay_not_supported",
            )
        order = partner_order.order
        fulfilment = order.fulfilment
        if fulfilment.state not in (FulfilmentState.PROPOSED, FulfilmentState.RESERVED):
            raise DomainError(
                _("Only an order not yet ready can be delayed."), code="delay_not_possible"
            )
        fulfilment.preparation_minutes += minutes
        base = fulfilment.pickup_at or timezone.now()
        fulfilment.pickup_at = base + timedelta(minutes=minutes)
        fulfilment.save(update_fields=["preparation_minutes", "pickup_at"])
        _bump(order)
        record_event(order, DELAYED_EVENT, actor=actor, minutes=minutes, version=order.version)
        _queue_callback(
            partner_order,
            "order.delayed",
            {"ready_at": fulfilment.pickup_at.isoformat(), "delay_minutes": minutes},
        )
    return partner_order


def _for_staff(actor: TeamMember, partner_order_id: int, version: int | None) -> PartnerOrder:
    """The partner order, its order row locked, at a location the member works at, still
    at ``version`` when given (two staff acting at once: the second is told)."""
    partner_order = (
        PartnerOrder.objects.select_related("order", "order__fulfilment", "partner")
        .select_for_update(of=("order",))
        .filter(pk=partner_order_id)
        .first()
    )
    if partner_order is None:
        raise NotFound(_("No such partner order."))
    require_location(actor, partner_order.order.location_id)
    if version is not None and partner_order.order.version != version:
        raise Conflict(
            _("Someone else changed this order meanwhile: look at it again, then retry."),
            code="version_conflict",
        )
    return partner_order


def _bump(order: Order, *fields: str) -> None:
    order.version = F("version") + 1
    order.save(update_fields=[*fields, "version", "updated_at"])
    order.refresh_from_db(fields=["version"])


def _queue_callback(partner_order: PartnerOrder, event_type: str, extra: dict[str, object]) -> None:
    partner = partner_order.partner
    if not partner.callback_url:
        return
    callback = PartnerCallback.objects.create(
        partner=partner,
        partner_order=partner_order,
        event_type=event_type,
        payload={
            "event_id": f"cpt_{secrets.token_hex(12)}",
            "type": event_type,
            "order": {"id": partner_order.external_id, **extra},
        },
    )
    enqueue_after_commit(send_partner_callback, callback.pk)


# --- partner settings --------------------------------------------------------------


@dataclass(frozen=True)
class PartnerWithSecret:
    partner: Partner
    secret: str  # shown once


def create_partner(
    *,
    actor: TeamMember,
    name: str,
    slug: str,
    location: Location,
    callback_url: str = "",
    supports_delay: bool = False,
    is_active: bool = True,
) -> PartnerWithSecret:
    require(actor, Permission.MANAGE_SETTINGS)
    secret = new_secret()
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                name=name.strip(),
                slug=slug,
                secret=secret,
                location=location,
                callback_url=callback_url,
                supports_delay=supports_delay,
                is_active=is_active,
            )
    except IntegrityError:
        raise InvalidInput({"slug": _("Another partner already uses this short name.")}) from None
    return PartnerWithSecret(partner, secret)


def update_partner(*, actor: TeamMember, partner: Partner, **changes: object) -> Partner:
    require(actor, Permission.MANAGE_SETTINGS)
    allowed = {"name", "slug", "location", "callback_url", "supports_delay", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(partner, field, value)
    try:
        with transaction.atomic():
            partner.save(update_fields=list(changes))
    except IntegrityError:
        raise InvalidInput({"slug": _("Another partner already uses this short name.")}) from None
    return partner


def rotate_secret(*, actor: TeamMember, partner: Partner) -> PartnerWithSecret:
    """A new secret, at once the only valid one (the partner must be given it)."""
    require(actor, Permission.MANAGE_SETTINGS)
    secret = new_secret()
    Partner.objects.filter(pk=partner.pk).update(secret=secret)
    partner.secret = secret
    return PartnerWithSecret(partner, secret)


def map_item(
    *, actor: TeamMember, partner: Partner, external_id: str, product: Product
) -> PartnerItem:
    """Map the partner's item id to ``product`` (replacing an earlier mapping)."""
    require(actor, Permission.MANAGE_SETTINGS)
    external_id = external_id.strip()[:120]
    if not external_id:
        raise InvalidInput({"external_id": _("Give the partner's item id.")})
    item, _created = PartnerItem.objects.update_or_create(
        partner=partner, external_id=external_id, defaults={"product": product}
    )
    return item


def unmap_item(*, actor: TeamMember, partner: Partner, item_id: int) -> None:
    require(actor, Permission.MANAGE_SETTINGS)
    PartnerItem.objects.filter(partner=partner, pk=item_id).delete()
