"""Demo shoppers: Camille's account (saved card, two addresses, a phone number, a dozen
orders and a donation placed signed in) and a few guest orders by other emails.

Everything goes through the services a shopper's visit runs: ``create_account``, the
account services for addresses, phone and card, and the real checkout sequence
(``pay_and_place_order`` with the built-in test gateway and its test card). Running it
again creates nothing new: the account is found by email, addresses by street, orders by
their idempotency key (checked before a card is even tokenized).

What no service can do yet is make an order look lived-in: there is no staff service to
move a fulfilment along (it comes with the orders issue) and orders are placed "now".
So, after placing each order, the seed writes its history itself: the fulfilment walks
the state table (``orders.states.check_transition``, each state stamping its time, as
the staff service will) and ``placed_at`` and the other times are moved into the past.
These writes are the only ones here that skip a service, and they exist only in the demo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from comptoir.accounts.models import ContactPhone, SavedAddress, SavedCard
from comptoir.accounts.selectors import accounts_enabled, customer_of
from comptoir.accounts.services.addresses import AddressFields, add_address
from comptoir.accounts.services.cards import save_card
from comptoir.accounts.services.contacts import add_phone
from comptoir.accounts.services.signup import create_account
from comptoir.catalog.models import Product
from comptoir.checkout.placing import Tender, pay_and_place_donation, pay_and_place_order
from comptoir.customers.models import Customer
from comptoir.demo import content
from comptoir.errors import DomainError
from comptoir.orders.models import Fulfilment, FulfilmentState, FulfilmentType, Order, Payment
from comptoir.orders.selectors import order_placed_with
from comptoir.orders.services import Contact, FulfilmentChoice
from comptoir.orders.states import STAMPED_FIELD, check_transition, order_state_for
from comptoir.payments.gateways.testing import TestGateway, tokenize_test_card
from comptoir.shop.delivery import delivery_fee
from comptoir.shop.models import Location
from comptoir.shop.selectors import get_shop
from comptoir.users.models import User

Report = Callable[[str], None]

# The account was opened a little before its first order.
ACCOUNT_AGE_DAYS = 120
# Paths through the state table from "proposed" to each demo state.
PATHS: dict[str, list[FulfilmentState]] = {
    FulfilmentState.PROPOSED: [],
    FulfilmentState.RESERVED: [FulfilmentState.RESERVED],
    FulfilmentState.PREPARED: [FulfilmentState.RESERVED, FulfilmentState.PREPARED],
    FulfilmentState.COMPLETED: [
        FulfilmentState.RESERVED,
        FulfilmentState.PREPARED,
        FulfilmentState.COMPLETED,
    ],
    FulfilmentState.CANCELLED: [FulfilmentState.CANCELLED],
}


def seed_shoppers(*, created: dict[str, int], report: Report) -> None:
    """Create what is missing of the demo's shoppers and their orders."""
    gateway = TestGateway()
    locations = {location.slug: location for location in Location.objects.all()}
    wanted = {slug for spec in _all_orders() for slug, _q in spec.lines}
    products = {p.slug: p for p in Product.objects.filter(slug__in=wanted)}
    place = partial(
        _order,
        locations=locations,
        products=products,
        gateway=gateway,
        created=created,
        report=report,
    )
    # (when it was placed, how to place it): placed oldest first, so order numbers
    # follow the dates as in a real shop.
    to_place: list[tuple[datetime, Callable[[], None]]] = []

    customer = _shopper_account(created, report)
    # Without the account (accounts turned off), Camille's orders wait for it: placed
    # now they would be guest orders, never in her account's history.
    if customer is not None and customer.user is not None:
        account = customer.user
        _contact_details(customer, created)
        _card(customer, gateway, created)
        for spec in content.SHOPPER_ORDERS:
            delivered_to = content.SHOPPER_ADDRESSES[spec.address]
            to_place.append(
                (
                    _when(spec, locations),
                    partial(
                        place,
                        spec,
                        shopper=content.SHOPPER,
                        address=delivered_to if spec.fulfilment == "delivery" else None,
                        account=account,
                    ),
                )
            )
        _key, slug, _amount, _note, days_ago, at = content.SHOPPER_DONATION
        if slug in locations:
            to_place.append(
                (
                    _local_time(days_ago, at, locations[slug]),
                    partial(
                        _donation, account, locations=locations, gateway=gateway, created=created
                    ),
                )
            )
    for shopper, address, spec in content.GUEST_ORDERS:
        to_place.append(
            (
                _when(spec, locations),
                partial(place, spec, shopper=shopper, address=address, account=None),
            )
        )
    for _when_placed, place_it in sorted(to_place, key=lambda item: item[0]):
        place_it()


def _when(spec: content.OrderSpec, locations: dict[str, Location]) -> datetime:
    location = locations.get(spec.location)
    return _placed_at(spec, location) if location is not None else timezone.now()


def _donation(
    account: User, *, locations: dict[str, Location], gateway: TestGateway, created: dict[str, int]
) -> None:
    key, slug, amount, note, days_ago, at = content.SHOPPER_DONATION
    key = f"demo-donation-{key}"
    location = locations.get(slug)
    if location is None or order_placed_with(key) is not None:
        return
    shopper = content.SHOPPER
    donation = pay_and_place_donation(
        gateway=gateway,
        idempotency_key=key,
        location=location,
        amount=amount,
        note=note,
        contact=_contact(shopper),
        currency=get_shop().currency,
        language=shopper["language"],
        tender=Tender(card_token=_test_card_token()),
        account_user=account,
    )
    placed = _local_time(days_ago, at, location)
    with transaction.atomic():  # demo history, as for orders (see the module docstring)
        Order.objects.filter(pk=donation.pk).update(placed_at=placed)
        Payment.objects.filter(order=donation).update(created_at=placed)
    created["orders"] += 1


def _contact(shopper: content.ShopperSpec) -> Contact:
    return Contact(
        email=shopper["email"],
        first_name=shopper["first_name"],
        last_name=shopper["last_name"],
        phone=shopper["phone"],
    )


def _all_orders() -> list[content.OrderSpec]:
    return [*content.SHOPPER_ORDERS, *(spec for _s, _a, spec in content.GUEST_ORDERS)]


def _shopper_account(created: dict[str, int], report: Report) -> Customer | None:
    spec = content.SHOPPER
    user = User.objects.filter(email__iexact=spec["email"]).first()
    if user is None:
        if not accounts_enabled():
            report("Customer accounts are turned off: the demo shopper's account was not created.")
            return None
        user = create_account(
            email=spec["email"],
            password=content.DEMO_PASSWORD,
            language=spec["language"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
        )
        created["shopper accounts"] += 1
        # Demo history: the account predates the orders below (no service back-dates).
        opened = timezone.now() - timedelta(days=ACCOUNT_AGE_DAYS)
        User.objects.filter(pk=user.pk).update(date_joined=opened)
        Customer.objects.filter(user=user).update(created_at=opened)
    return customer_of(user)


def _contact_details(customer: Customer, created: dict[str, int]) -> None:
    for index, spec in enumerate(content.SHOPPER_ADDRESSES):
        if SavedAddress.objects.filter(
            customer=customer, address_line1=spec["address_line1"]
        ).exists():
            continue
        add_address(
            customer=customer,
            fields=AddressFields(
                label=spec["label"],
                address_line1=spec["address_line1"],
                postal_code=spec["postal_code"],
                city=spec["city"],
                first_name=content.SHOPPER["first_name"],
                last_name=content.SHOPPER["last_name"],
            ),
            make_primary=index == 0,
        )
        created["addresses"] += 1
    if not ContactPhone.objects.filter(customer=customer).exists():
        add_phone(customer=customer, number=content.SHOPPER["phone"], make_primary=True)


def _card(customer: Customer, gateway: TestGateway, created: dict[str, int]) -> None:
    if SavedCard.objects.filter(customer=customer).exists():
        return
    save_card(customer=customer, gateway=gateway, card_token=_test_card_token())
    created["saved cards"] += 1


def _test_card_token() -> str:
    number, month, cvc = content.SHOPPER_CARD
    return tokenize_test_card(number, month, timezone.now().year + 3, cvc)


def _order(
    spec: content.OrderSpec,
    *,
    shopper: content.ShopperSpec,
    address: content.AddressSpec | None,
    account: User | None,
    locations: dict[str, Location],
    products: dict[str, Product],
    gateway: TestGateway,
    created: dict[str, int],
    report: Report,
) -> None:
    key = f"demo-order-{spec.key}"
    if order_placed_with(key) is not None:
        return
    location = locations.get(spec.location)
    lines = [(products[slug], qty) for slug, qty in spec.lines if slug in products]
    if location is None or len(lines) != len(spec.lines):
        report(f"Demo order {spec.key} skipped: its location or products are gone.")
        return
    try:
        order = pay_and_place_order(
            gateway=gateway,
            card_token=_test_card_token(),
            idempotency_key=key,
            location=location,
            lines=lines,
            contact=_contact(shopper),
            fulfilment=_fulfilment(spec, location, shopper, address),
            currency=get_shop().currency,
            language=shopper["language"],
            account_user=account,
        )
    except DomainError as error:  # e.g. the owner took a product off sale meanwhile
        report(f"Demo order {spec.key} skipped: {error.message}")
        return
    if spec.state == FulfilmentState.CANCELLED:
        # A cancelled order is refunded (the orders issue's cancel service will do it).
        payment = order.payments.get()
        gateway.refund(
            reference=payment.reference,
            amount=payment.amount,
            idempotency_key=f"{key}:refund",
        )
    _write_history(order, spec, location)
    created["orders"] += 1


def _fulfilment(
    spec: content.OrderSpec,
    location: Location,
    shopper: content.ShopperSpec,
    address: content.AddressSpec | None,
) -> FulfilmentChoice:
    if spec.fulfilment == "delivery":
        assert address is not None, f"demo order {spec.key} is delivered but has no address"
        return FulfilmentChoice(
            type=FulfilmentType.DELIVERY,
            address_line1=address["address_line1"],
            postal_code=address["postal_code"],
            city=address["city"],
            courier_notes=address.get("courier_notes", ""),
            fee=delivery_fee(location, address["postal_code"]),
        )
    if spec.fulfilment == "curbside":
        return FulfilmentChoice(
            type=FulfilmentType.PICKUP, curbside=True, vehicle=content.SHOPPER_VEHICLE
        )
    return FulfilmentChoice(type=FulfilmentType.PICKUP)


def _placed_at(spec: content.OrderSpec, location: Location) -> datetime:
    if spec.days_ago is None:
        return timezone.now() - timedelta(minutes=spec.minutes_ago)
    return _local_time(spec.days_ago, spec.at, location)


def _local_time(days_ago: int, at: time, location: Location) -> datetime:
    """``at`` o'clock in the location's zone, ``days_ago`` days before today there."""
    zone = ZoneInfo(location.time_zone)
    day = (timezone.now().astimezone(zone) - timedelta(days=days_ago)).date()
    return datetime.combine(day, at, tzinfo=zone)


def _write_history(order: Order, spec: content.OrderSpec, location: Location) -> None:
    """Move the order into the past and its fulfilment to ``spec.state`` (see the module
    docstring: no service does either yet)."""
    placed = _placed_at(spec, location)
    preparation = timedelta(minutes=location.preparation_minutes)
    stamps = {
        FulfilmentState.RESERVED: placed + timedelta(minutes=3),
        FulfilmentState.PREPARED: placed + preparation,
        FulfilmentState.COMPLETED: placed + preparation + timedelta(minutes=15),
        FulfilmentState.CANCELLED: placed + timedelta(minutes=20),
    }
    with transaction.atomic():
        fulfilment = Fulfilment.objects.select_for_update().get(order=order)
        changes: dict[str, object] = {"placed_at": placed}
        if fulfilment.type == FulfilmentType.PICKUP:
            changes["pickup_at"] = placed + preparation + timedelta(minutes=15)
        state = FulfilmentState(fulfilment.state)
        for target in PATHS[spec.state]:
            check_transition(state, target)
            state = target
            changes[STAMPED_FIELD[target]] = stamps[target]
        if state == FulfilmentState.CANCELLED:
            changes["cancel_reason"] = content.CANCEL_REASON
        Fulfilment.objects.filter(pk=fulfilment.pk).update(state=state, **changes)
        Order.objects.filter(pk=order.pk).update(
            placed_at=placed, state=order_state_for(order.state, state)
        )
        Payment.objects.filter(order=order).update(created_at=placed)
