"""What the load runner measures. A scenario is a name, a function returning the
request paths to cycle through (it may query the generated data through Django), and
who it signs in as: the bench owner (``staff``) or a generated shopper account
(``customer``, an email). A scenario with a ``flow`` (``bench.flows``) runs several
requests per measured unit instead (an order placed); its paths are then the product
pages it buys from. ``compare_to`` names a scenario of the same run whose throughput
it is reported against, ``target`` says what the issue asks of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from bench.flows import (
    BareCheckoutFlow,
    CheckoutFlow,
    InboundSmsFlow,
    PartnerWebhookFlow,
    PlaceFlow,
    capture_checkout,
    capture_placement,
)
from bench.load import Flow

Paths = Callable[[str], list[str]]


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: Paths
    staff: bool = False
    description: str = ""
    customer: str | None = None
    flow: Flow | None = None
    unit: str = "requests"
    compare_to: str | None = None
    target: Target | None = None
    # Called with the server's port and the paths before measuring (e.g. a capture).
    before: Callable[[int, list[str]], None] | None = None
    # Called once the clock stops, e.g. to wait for the worker; its facts join the entry.
    after: Callable[[], dict] | None = None
    # The yardstick this scenario is measured in turns with (``bench.run._measure_in_turns``)
    # when both run: slices of each alternately, rather than one after the other.
    in_turns_with: str | None = None


@dataclass(frozen=True)
class Target:
    """What the issue asks: ``metric`` is "requests_per_second", "p95_ms" or "ratio";
    ``at_least`` or ``at_most`` the bound."""

    metric: str
    text: str
    at_least: float | None = None
    at_most: float | None = None

    def met(self, value: float) -> bool:
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.at_most is not None and value > self.at_most)


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str,
    *,
    staff: bool = False,
    description: str = "",
    customer: str | None = None,
    flow: Flow | None = None,
    unit: str = "requests",
    compare_to: str | None = None,
    target: Target | None = None,
    before: Callable[[int, list[str]], None] | None = None,
    after: Callable[[], dict] | None = None,
    in_turns_with: str | None = None,
) -> Callable[[Paths], Paths]:
    def decorate(paths: Paths) -> Paths:
        if name in SCENARIOS:
            raise ValueError(f"a bench scenario named {name!r} is already registered")
        SCENARIOS[name] = Scenario(
            name,
            paths,
            staff,
            description or (paths.__doc__ or "").strip(),
            customer,
            flow,
            unit,
            compare_to,
            target,
            before,
            after,
            in_turns_with,
        )
        return paths

    return decorate


def select(names: str | None) -> list[Scenario]:
    if not names:
        return list(SCENARIOS.values())
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in SCENARIOS]
    if unknown:
        raise ValueError(
            f"unknown scenario(s) {', '.join(unknown)}: known are {', '.join(SCENARIOS)}"
        )
    return [SCENARIOS[name] for name in wanted]


@scenario("home")
def home(using: str) -> list[str]:
    """Storefront home: the first page of categories of the first location, each with its
    first products and a link to the category's page."""
    return ["/"]


@scenario("category")
def category(using: str) -> list[str]:
    """Storefront category page: the first page of the first location's first category."""
    from comptoir.catalog.models import Category
    from comptoir.shop.models import Location

    locations = Location.objects.using(using).filter(is_active=True)
    first = locations.order_by("position", "name").first()
    slug = (
        Category.objects.using(using)
        .filter(
            products__is_active=True,
            products__availabilities__location=first,
            products__availabilities__is_available=True,
        )
        .order_by("position", "id")
        .values_list("slug", flat=True)
        .first()
    )
    return [f"/categories/{slug}/"] if slug else []


@scenario("product")
def product(using: str) -> list[str]:
    """Storefront product pages, cycling through up to 200 products sold at the first location."""
    from comptoir.catalog.models import Product
    from comptoir.shop.models import Location

    locations = Location.objects.using(using).filter(is_active=True)
    first = locations.order_by("position", "name").first()
    slugs = (
        Product.objects.using(using)
        .filter(is_active=True, availabilities__location=first, availabilities__is_available=True)
        .order_by("id")
        .values_list("slug", flat=True)
    )
    chosen = list(slugs)
    # An even spread over the catalog rather than its first rows.
    step = max(1, len(chosen) // 200)
    return [f"/products/{slug}/" for slug in chosen[::step][:200]]


@scenario("dashboard_products", staff=True)
def dashboard_products(using: str) -> list[str]:
    """Dashboard product list (first page), signed in as the owner."""
    return ["/dashboard/products/"]


HISTORY_TARGET = Target("p95_ms", "p95 under 50 ms", at_most=50)


@scenario("account_orders", customer="history@bench.example.com", target=HISTORY_TARGET)
def account_orders(using: str) -> list[str]:
    """Order history (/account/orders/) of a signed-in shopper with about twenty orders."""
    return ["/account/orders/"]


@scenario("account_orders_long", customer="regular@bench.example.com", target=HISTORY_TARGET)
def account_orders_long(using: str) -> list[str]:
    """Order history of a signed-in shopper with many orders: first, middle and last pages."""
    from comptoir.orders.models import Order

    count = Order.objects.using(using).filter(account__email="regular@bench.example.com").count()
    pages = max(1, -(-count // 20))
    return [f"/account/orders/?page={page}" for page in sorted({1, 2, pages // 2 or 1, pages})]


@scenario(
    "customer_directory",
    staff=True,
    target=Target("p95_ms", "p95 under 50 ms", at_most=50),
)
def customer_directory(using: str) -> list[str]:
    """Back-office customer directory (owner): the first page, then searches typed
    without accents or in part (a first name, a last name, a company, an email, a phone
    prefix), each answering its first page of 50 with the total count."""
    from comptoir.customers.models import Customer

    some = (
        Customer.objects.using(using)
        .exclude(email__isnull=True)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )
    emails = [email.split("@")[0] for email in some[1000:1003]]
    searches = ["helene", "lefevre", "agnes berenger", "boulangerie", "cafe martin", "+33610001"]
    return [
        "/dashboard/customers/",
        *(f"/dashboard/customers/?q={quote(term)}" for term in searches + emails),
        "/dashboard/customers/?type=business",
        "/dashboard/customers/?account=yes",
    ]


def _checkout_products(using: str) -> list[str]:
    """Product pages of the first location's products whose stock is not counted."""
    from comptoir.catalog.models import Product
    from comptoir.shop.models import Location

    first = Location.objects.using(using).filter(is_active=True).order_by("position", "id").first()
    slugs = (
        Product.objects.using(using)
        .filter(
            is_active=True,
            availabilities__location=first,
            availabilities__is_available=True,
            availabilities__stock__isnull=True,
        )
        .order_by("id")
        .values_list("slug", flat=True)[:200]
    )
    return [f"/products/{slug}/" for slug in slugs]


@scenario(
    "checkout",
    flow=CheckoutFlow(),
    unit="orders",
    compare_to="checkout_bare",
    target=Target("requests_per_second", "at least 60 orders/s", at_least=60),
    in_turns_with="checkout_bare",
)
def checkout(using: str) -> list[str]:
    """The full guest checkout, measured per order: a product page, two products added
    to the cart, the checkout page, the test gateway's card token, the order placed with
    pickup, the confirmation page (7 requests)."""
    return _checkout_products(using)


@scenario("checkout_bare", flow=BareCheckoutFlow(), unit="orders", before=capture_checkout)
def checkout_bare(using: str) -> list[str]:
    """Bench-only yardstick for checkout: its seven requests, each to a bare Django view
    replaying the SQL statements its real request ran (captured in this run), an order
    each. The tasks the replayed placing queues name the captured order's receipt, which
    the worker finds sent: the receipt's rendering and sending are left out, so this is
    more than the flow's SQL could do with all of its work."""
    return _checkout_products(using)


def _capture(port: int, paths: list[str]) -> None:
    capture_placement(port, _checkout_products("default"))


@scenario("place_order_bare", before=_capture)
def place_order_bare(using: str) -> list[str]:
    """Bench-only bare Django view replaying the SQL statements of one real order
    placement (captured from the real POST in this run): the yardstick for place_order."""
    return ["/bench/bare-place/"]


@scenario(
    "place_order",
    flow=PlaceFlow(),
    unit="orders",
    compare_to="place_order_bare",
    target=Target("ratio", "at least 60% of the bare view's throughput", at_least=0.6),
    in_turns_with="place_order_bare",
)
def place_order(using: str) -> list[str]:
    """The order-placing request alone (POST /checkout/, pickup, test gateway), on carts
    filled before the clock starts."""
    return _checkout_products(using)


# --- issue 5: partner webhooks and the Orders page ------------------------------------


@scenario(
    "partner_webhook",
    flow=PartnerWebhookFlow(),
    unit="orders",
    compare_to="place_order_bare",
    target=Target("ratio", "at least 60% of the bare order-placing floor", at_least=0.6),
)
def partner_webhook(using: str) -> list[str]:
    """Partner order ingest: signed ``order.created`` POSTs to the bench partner's
    webhook (unique event and order ids, two mapped items), one order per request."""
    from bench.generators.partners import PARTNER_SLUG
    from comptoir.partners.models import Partner

    if not Partner.objects.using(using).filter(slug=PARTNER_SLUG, is_active=True).exists():
        return []
    return [f"/partners/{PARTNER_SLUG}/webhook/"]


@scenario("orders_page", staff=True, target=Target("p95_ms", "p95 under 50 ms", at_most=50))
def orders_page(using: str) -> list[str]:
    """Dashboard Orders page of the first location (owner), newest orders first."""
    from django.urls import NoReverseMatch, reverse

    from comptoir.shop.models import Location

    try:
        page = reverse("dashboard:order_list")
    except NoReverseMatch:
        page = "/dashboard/orders/"  # the page is not there yet: measured as its errors
    first = Location.objects.using(using).filter(is_active=True).order_by("position", "id").first()
    return [f"{page}?location={first.pk}" if first else page]


# --- issue 6: customer messages -------------------------------------------------------

MESSAGES_TARGET = Target("p95_ms", "p95 under 50 ms", at_most=50)


@scenario("inbox", staff=True, target=MESSAGES_TARGET)
def inbox(using: str) -> list[str]:
    """Dashboard inbox (owner), newest conversations first: the first pages, then
    searches by customer name, phone number, email and message text, each answering its
    first page of 30."""
    from django.urls import reverse

    from comptoir.customers.models import Customer
    from comptoir.messaging.models import Conversation

    page = reverse("dashboard:message_inbox")
    # One number and one address from the middle of those on file (rare matches: the
    # walk reads far before finding them).
    phones = list(
        Customer.objects.using(using)
        .filter(conversation__isnull=False)
        .exclude(phone="")
        .order_by("id")
        .values_list("phone", flat=True)[:200]
    )
    emails = list(
        Conversation.objects.using(using)
        .filter(customer__email__isnull=False)
        .order_by("customer_id")
        .values_list("customer__email", flat=True)[:600]
    )
    picked = [found[len(found) // 2] for found in (phones, emails) if found]
    searches = ["martin", "helene", "croissants", "tarte aux fraises", *picked]
    return [
        page,
        f"{page}?page=2",
        f"{page}?page=10",
        *(f"{page}?q={quote(term)}" for term in searches),
    ]


@scenario("conversation_long", staff=True, target=MESSAGES_TARGET)
def conversation_long(using: str) -> list[str]:
    """The conversation of 10,000 messages (owner): its latest page, then older pages of
    50 near the top, in the middle and at the very beginning (keyset paging)."""
    from django.urls import reverse

    from bench.generators.customers import REGULAR_EMAIL
    from comptoir.messaging.models import Conversation, Message

    conversation = Conversation.objects.using(using).filter(customer__email=REGULAR_EMAIL).first()
    if conversation is None:
        return []
    page = reverse(
        "dashboard:message_conversation", kwargs={"customer_id": conversation.customer_id}
    )
    ids = list(
        Message.objects.using(using)
        .filter(conversation=conversation)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    cursors = sorted({n for n in (49, 99, len(ids) // 2, len(ids) - 51) if 0 <= n < len(ids)})
    return [page, *(f"{page}?before={ids[n]}" for n in cursors)]


# How long the run waits for the worker to apply the texts stored during the scenario.
INBOUND_DRAIN_LIMIT_SECONDS = 600


def wait_for_inbound_texts(*, limit: float = INBOUND_DRAIN_LIMIT_SECONDS) -> dict:
    """After ``inbound_sms``: how many texts still waited for the worker when the clock
    stopped, and how long the worker took to apply them (the server then idle)."""
    from comptoir.consent.models import ReceivedText

    waiting = ReceivedText.objects.filter(applied_at__isnull=True)
    left = backlog = waiting.count()
    started = time.monotonic()
    while left and time.monotonic() - started < limit:
        time.sleep(0.5)
        left = waiting.count()
    seconds = time.monotonic() - started
    facts: dict = {"worker_backlog": backlog, "worker_backlog_left": left}
    facts["worker_drain_s"] = round(seconds, 1)
    facts["note"] = (
        f"{backlog} texts waited for the worker when the clock stopped; applied in "
        f"{seconds:.1f} s after it"
        if not left
        else f"{backlog} texts waited for the worker when the clock stopped; "
        f"{left} still waited {limit:.0f} s later"
    )
    return facts


@scenario(
    "inbound_sms",
    flow=InboundSmsFlow(),
    unit="texts",
    target=Target("requests_per_second", "at least 200 texts/s", at_least=200),
    after=wait_for_inbound_texts,
)
def inbound_sms(using: str) -> list[str]:
    """Inbound texts: Twilio-format POSTs signed with ``X-Twilio-Signature`` to the
    inbound webhook, four in five from numbers of customers on file, one in five from a
    new number (a customer is created); each a plain message for staff with its own
    MessageSid. One unit: one text answered 200 (stored; ``comptoir worker``, running
    beside the server, applies it: the backlog left when the clock stops and the time
    the worker takes to apply it are reported with the scenario)."""
    from django.urls import reverse

    return [reverse("twilio_inbound_sms")]
