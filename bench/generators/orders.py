"""Orders with their lines, fulfilment and payment: 1,000,000 orders at the target scale
(about two lines each), placed over two years by the generated customers, the newest
still open. Every order holds the constraints the application keeps: total = subtotal
+ fees, line total = unit price x quantity, unique numbers (with their ``OrderNumber``
rows, so orders placed afterwards continue the numbering), unique payment references.

Orders placed signed in carry ``Order.account``: most orders of customers with a login,
exactly ``HISTORY_ORDERS`` for the history account and ``regular_order_count`` for
the regular one (see the customers generator), whose two newest orders are current.

The rows are planned first into compact arrays (one pass, seeded), then streamed table
by table with COPY (``bulk.insert_values``), ids given here and sequences moved after."""

from __future__ import annotations

import datetime
import random
import secrets
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from bench.bulk import foreign_keys_checked_once, insert_values, next_id, reset_sequences
from bench.generate import register
from bench.generators.customers import HISTORY_EMAIL, REGULAR_EMAIL
from comptoir.catalog.models import Availability, Product
from comptoir.customers.models import Customer
from comptoir.customers.services.order_stats import recount_orders
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
from comptoir.shop.models import Location, Shop

ORDERS_AT_FULL_SCALE = 1_000_000
HISTORY_ORDERS = 20
REGULAR_ORDERS_AT_FULL_SCALE = 1_000
HISTORY_DAYS = 730
OPEN_SHARE = 0.003  # the newest orders are still being prepared
DELIVERY_FEE = 350

# Fulfilment kinds and states by code, to keep the plan in byte arrays.
PICKUP, CURBSIDE, DELIVERY = 0, 1, 2
STATES = [
    FulfilmentState.PROPOSED,
    FulfilmentState.RESERVED,
    FulfilmentState.PREPARED,
    FulfilmentState.COMPLETED,
    FulfilmentState.CANCELLED,
    FulfilmentState.FAILED,
]
PROPOSED, RESERVED, PREPARED, COMPLETED, CANCELLED, FAILED = range(6)
SOURCES = [OrderSource.SITE, OrderSource.COUNTER]
CARDS = [("visa", "4242"), ("mastercard", "4444"), ("amex", "0005")]
STREETS = ["rue de la République", "quai Saint-Antoine", "cours Lafayette", "rue Mercière"]
VEHICLES = ["Clio bleue", "Zoé blanche", "208 grise", "Kangoo rouge"]


def order_count(scale: float) -> int:
    return max(200, round(ORDERS_AT_FULL_SCALE * scale))


def regular_order_count(scale: float) -> int:
    return max(60, round(REGULAR_ORDERS_AT_FULL_SCALE * scale))


@dataclass
class Plan:
    """Every order, line and choice, one array slot each (a million orders in ~60 MB)."""

    customer: array = field(default_factory=lambda: array("l"))  # index into customers
    account: array = field(default_factory=lambda: array("l"))  # user id, 0 for none
    source: array = field(default_factory=lambda: array("b"))
    location: array = field(default_factory=lambda: array("b"))
    kind: array = field(default_factory=lambda: array("b"))
    state: array = field(default_factory=lambda: array("b"))
    placed: array = field(default_factory=lambda: array("d"))  # seconds before now
    subtotal: array = field(default_factory=lambda: array("q"))
    card: array = field(default_factory=lambda: array("b"))  # -1: wallet
    first_line: array = field(default_factory=lambda: array("l"))
    line_product: array = field(default_factory=lambda: array("l"))  # index into products
    line_quantity: array = field(default_factory=lambda: array("b"))


@register(
    "orders",
    fills=(
        "orders.Order",
        "orders.OrderLine",
        "orders.Fulfilment",
        "orders.Payment",
        "orders.OrderNumber",
    ),
    after=("customers", "catalog"),
)
def fill(scale: float, using: str) -> dict[str, int]:
    rng = random.Random(f"orders-{scale}")
    count = order_count(scale)
    now = timezone.now()
    shop = Shop.objects.using(using).filter(pk=Shop.SINGLETON_PK).first()
    currency = shop.currency if shop else "EUR"
    # Read everything first: no query may run on the connection during a COPY.
    customers = list(
        Customer.objects.using(using)
        .order_by("id")
        .values_list(
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "language",
            "user_id",
            "user__date_joined",
        )
    )
    locations = list(
        Location.objects.using(using)
        .order_by("position", "id")
        .values_list("id", "preparation_minutes")
    )
    products = list(
        Product.objects.using(using)
        .order_by("id")
        .values_list("id", "category_id", "name_fr", "name_en", "sku", "price")
    )
    position = {row[0]: n for n, row in enumerate(products)}
    sold: list[list[int]] = [[] for _ in locations]
    location_index = {row[0]: n for n, row in enumerate(locations)}
    for product_id, location_id in (
        Availability.objects.using(using)
        .filter(is_available=True, product__is_active=True)
        .order_by("product_id", "location_id")
        .values_list("product_id", "location_id")
    ):
        sold[location_index[location_id]].append(position[product_id])
    if not customers or not any(sold):
        raise ValueError("the orders generator needs customers and products sold somewhere")

    plan = _plan(rng, count, scale, customers, [row[5] for row in products], sold, now)
    first_order = next_id(Order, using)
    first_number = next_id(OrderNumber, using)
    numbers = insert_values(
        OrderNumber,
        ("id",),
        ((first_number + i,) for i in range(count)),
        using=using,
        total=count,
        desc="order numbers",
    )
    placed_at = [now - datetime.timedelta(seconds=seconds) for seconds in plan.placed]
    with foreign_keys_checked_once([Order, OrderLine, Fulfilment, Payment], using=using):
        orders = insert_values(
            Order,
            (
                "id",
                "number",
                "state",
                "source",
                "customer_id",
                "account_id",
                "location_id",
                "currency",
                "subtotal",
                "fees",
                "total",
                "email",
                "phone",
                "first_name",
                "last_name",
                "language",
                "idempotency_key",
                "placed_at",
                "updated_at",
                "version",
                "sms_consent",
                "sms_consent_text",
                "sms_consent_at",
                "status_token",
            ),
            _orders(plan, customers, locations, placed_at, first_order, first_number, currency),
            using=using,
            total=count,
            desc="orders",
        )
        lines = insert_values(
            OrderLine,
            (
                "order_id",
                "product_id",
                "category_id",
                "name",
                "sku",
                "unit_price",
                "quantity",
                "total",
            ),
            _lines(plan, customers, products, first_order),
            using=using,
            total=len(plan.line_product),
            desc="order lines",
        )
        fulfilments = insert_values(
            Fulfilment,
            FULFILMENT_COLUMNS,
            _fulfilments(rng, plan, locations, placed_at, first_order),
            using=using,
            total=count,
            desc="fulfilments",
        )
        payments = insert_values(
            Payment,
            (
                "order_id",
                "gateway",
                "account",
                "reference",
                "method",
                "amount",
                "currency",
                "card_brand",
                "card_last4",
                "created_at",
            ),
            _payments(plan, placed_at, first_order, currency),
            using=using,
            total=count,
            desc="payments",
        )
    reset_sequences([Order, OrderNumber], using=using)
    # The customers' spending rows, as placing the orders would have kept them.
    recount_orders(using=using)
    return {
        "orders": orders,
        "order lines": lines,
        "fulfilments": fulfilments,
        "payments": payments,
        "order numbers": numbers,
    }


def _plan(
    rng: random.Random,
    count: int,
    scale: float,
    customers: list[tuple],
    prices: list[int],
    sold: list[list[int]],
    now: datetime.datetime,
) -> Plan:
    plan = Plan()
    emails = {row[1]: n for n, row in enumerate(customers)}
    named: dict[int, int] = {}  # order index -> customer index, for the named accounts
    history, regular = emails.get(HISTORY_EMAIL), emails.get(REGULAR_EMAIL)
    if history is not None:
        # Spread over two years, the two newest among the very last orders (current).
        for k in range(HISTORY_ORDERS - 2):
            named[(k * count) // HISTORY_ORDERS + 7] = history
        named[count - 1] = named[count - 3] = history
    if regular is not None:
        many = min(regular_order_count(scale), count // 4)
        for k in range(many - 2):
            named.setdefault((k * count) // many + 3, regular)
        named[count - 2] = named[count - 4] = regular
    others = [n for n in range(len(customers)) if n not in (history, regular)]
    span = HISTORY_DAYS * 86_400
    open_from = min(round(count * (1 - OPEN_SHARE)), count - 4)  # the named accounts' newest
    line_count = 0
    for i in range(count):
        who = named.get(i)
        if who is None:
            # Skewed: some customers come back often, most order now and then.
            who = others[int(len(others) * rng.random() ** 2)]
        _, email, _, _, _, _, user_id, joined = customers[who]
        seconds = span * (1 - (i + rng.random()) / count)
        counter = email is None or (who not in (history, regular) and rng.random() < 0.08)
        signed_in = (
            user_id is not None
            and not counter
            and (who in (history, regular) or rng.random() < 0.7)
            and now - datetime.timedelta(seconds=seconds) >= joined  # since the account exists
        )
        if i >= open_from:
            state = rng.choice((PROPOSED, RESERVED, PREPARED))
        else:
            roll = rng.random()
            state = CANCELLED if roll < 0.04 else FAILED if roll < 0.05 else COMPLETED
        kind = rng.random()
        location = rng.randrange(len(sold)) if len(sold) > 1 and rng.random() < 0.4 else 0
        while not sold[location]:
            location = (location + 1) % len(sold)
        choices = sold[location]
        plan.customer.append(who)
        plan.account.append(user_id if signed_in else 0)
        plan.source.append(1 if counter else 0)
        plan.location.append(location)
        plan.kind.append(PICKUP if counter or kind < 0.72 else CURBSIDE if kind < 0.8 else DELIVERY)
        plan.state.append(state)
        plan.placed.append(seconds)
        plan.card.append(-1 if rng.random() < 0.05 else rng.randrange(len(CARDS)))
        plan.first_line.append(line_count)
        wanted = 1 + (rng.random() < 0.6) + (rng.random() < 0.3) + (rng.random() < 0.15)
        chosen: set[int] = set()
        subtotal = 0
        for _ in range(wanted):
            product = choices[rng.randrange(len(choices))]
            if product in chosen:
                continue  # one line per product, as checkout merges them
            chosen.add(product)
            quantity = 1 if rng.random() < 0.75 else rng.randrange(2, 5)
            plan.line_product.append(product)
            plan.line_quantity.append(quantity)
            subtotal += prices[product] * quantity
            line_count += 1
        plan.subtotal.append(subtotal)
    plan.first_line.append(line_count)
    return plan


def _line_range(plan: Plan, i: int) -> range:
    return range(plan.first_line[i], plan.first_line[i + 1])


def _orders(
    plan: Plan,
    customers: list[tuple],
    locations: list[tuple],
    placed_at: list[datetime.datetime],
    first_order: int,
    first_number: int,
    currency: str,
) -> Iterator[tuple]:
    for i, when in enumerate(placed_at):
        subtotal = plan.subtotal[i]
        fee = DELIVERY_FEE if plan.kind[i] == DELIVERY else 0
        _, email, first_name, last_name, phone, language, _, _ = customers[plan.customer[i]]
        state = plan.state[i]
        order_state = (
            OrderState.OPEN
            if state < COMPLETED
            else OrderState.CANCELLED
            if state == CANCELLED
            else OrderState.COMPLETED
        )
        yield (
            first_order + i,
            f"C-{first_number + i:06d}",
            order_state.value,
            SOURCES[plan.source[i]].value,
            customers[plan.customer[i]][0],
            plan.account[i] or None,
            locations[plan.location[i]][0],
            currency,
            subtotal,
            fee,
            subtotal + fee,
            email or "",
            phone,
            first_name,
            last_name,
            language or "fr",
            f"bench-{first_order + i}",
            when,
            when,
            1,
            False,
            "",
            None,
            secrets.token_urlsafe(24),
        )


def _lines(
    plan: Plan, customers: list[tuple], products: list[tuple], first_order: int
) -> Iterator[tuple]:
    """Lines named in the order's language, at the price the plan summed."""
    for i in range(len(plan.first_line) - 1):
        language = customers[plan.customer[i]][5] or "fr"
        for n in _line_range(plan, i):
            _, category_id, name_fr, name_en, sku, price = products[plan.line_product[n]]
            quantity = plan.line_quantity[n]
            yield (
                first_order + i,
                products[plan.line_product[n]][0],
                category_id,
                (name_en if language == "en" and name_en else name_fr)[:160],
                sku or "",
                price,
                quantity,
                price * quantity,
            )


FULFILMENT_COLUMNS = (
    "order_id",
    "type",
    "state",
    "preparation_minutes",
    "pickup_at",
    "curbside",
    "vehicle",
    "arrived_at",
    "deliver_at",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "courier_notes",
    "carrier",
    "tracking_number",
    "table_label",
    "placed_at",
    "accepted_at",
    "ready_at",
    "completed_at",
    "cancelled_at",
    "failed_at",
    "cancel_reason",
)


def _fulfilments(
    rng: random.Random,
    plan: Plan,
    locations: list[tuple],
    placed_at: list[datetime.datetime],
    first_order: int,
) -> Iterator[tuple]:
    minute = datetime.timedelta(minutes=1)
    for i, when in enumerate(placed_at):
        kind, state = plan.kind[i], plan.state[i]
        preparation = locations[plan.location[i]][1]
        delivery = kind == DELIVERY
        due = when + (45 * minute if delivery else preparation * minute)
        reached = state >= RESERVED and state not in (CANCELLED, FAILED)
        yield (
            first_order + i,
            (FulfilmentType.DELIVERY if delivery else FulfilmentType.PICKUP).value,
            STATES[state].value,
            preparation,
            None if delivery else due,
            kind == CURBSIDE,
            VEHICLES[i % len(VEHICLES)] if kind == CURBSIDE else "",
            due if kind == CURBSIDE and state == COMPLETED else None,
            due if delivery else None,
            f"{1 + i % 90} {STREETS[i % len(STREETS)]}" if delivery else "",
            "",
            f"6900{1 + i % 9}" if delivery else "",
            "Lyon" if delivery else "",
            "FR" if delivery else "",
            "",
            "",
            "",
            "",
            when,
            when + 2 * minute if reached else None,
            when + preparation * minute if reached and state != RESERVED else None,
            due + 10 * minute if state == COMPLETED else None,
            when + 5 * minute if state == CANCELLED else None,
            when + 60 * minute if state == FAILED else None,
            "Rupture de stock" if state == CANCELLED and rng.random() < 0.5 else "",
        )


def _payments(
    plan: Plan, placed_at: list[datetime.datetime], first_order: int, currency: str
) -> Iterator[tuple]:
    for i, when in enumerate(placed_at):
        fee = DELIVERY_FEE if plan.kind[i] == DELIVERY else 0
        card = plan.card[i]
        brand, last4 = CARDS[card] if card >= 0 else ("", "")
        yield (
            first_order + i,
            "test",
            "test",
            f"ch_test_bench_{first_order + i}",
            "card" if card >= 0 else "wallet",
            plan.subtotal[i] + fee,
            currency,
            brand,
            last4,
            when,
        )
