"""The guest checkout as a shopper's browser does it, over HTTP against the real pages:

1. GET a product page (the shopper lands on it; it sets the CSRF cookie);
2. POST /cart/add/ twice (two products sold at the first location);
3. GET /checkout/ (the form, with its hidden idempotency key);
4. POST /test-gateway/tokens/ (what the test gateway's card script does in the page);
5. POST /checkout/ with pickup "as soon as possible" and the card token: the order;
6. GET the confirmation page it redirects to.

``CheckoutFlow`` measures the whole sequence as one unit (an order). ``PlaceFlow``
prepares steps 1-4 before the clock starts and measures step 5 alone: the
order-placing request. ``capture_placement`` sends one such request with the header
that makes the bench server record its SQL for the bare view (``bench.bare``);
``capture_checkout`` sends all seven so, each named by its step (``STEPS``), and
``BareCheckoutFlow`` replays them as seven requests to the bare views: the checkout's
yardstick.

The products bought are the first location's products whose stock is not counted,
so a long run neither sells out nor queues every order on the same stock row."""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.load import Client, Flow, FlowFailed

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}
# The checkout's requests, as the capture names them (``bench.bare``).
STEPS = ("product", "add-1", "add-2", "checkout-page", "card-token", "place", "confirmation")
# The placing POST captured alone, for ``place_order_bare``: each yardstick replays its
# own capture.
PLACEMENT = "placement"
CAPTURE = "X-Bench-Capture"
HIDDEN = re.compile(rb'<input[^>]*name="(csrfmiddlewaretoken|idempotency_key)"[^>]*>')
VALUE = re.compile(rb'value="([^"]*)"')


@dataclass
class Ready:
    """A cart ready to pay: what the placing POST sends."""

    form: dict[str, str]


def _expect(status: int, wanted: tuple[int, ...], step: str) -> None:
    if status not in wanted:
        raise FlowFailed(str(status), step)


def _hidden(page: bytes) -> dict[str, str]:
    found = {}
    for tag in HIDDEN.finditer(page):
        value = VALUE.search(tag.group(0))
        if value:
            found[tag.group(1).decode()] = html.unescape(value.group(1).decode())
    return found


def _step(name: str, capture: bool) -> dict[str, str]:
    """The header that has the bench server capture this step, when capturing."""
    return {CAPTURE: name} if capture else {}


def fill_cart(
    client: Client, product_paths: list[str], number: int, *, capture: bool = False
) -> Ready:
    """Steps 1-4 for unit ``number``: returns the checkout form to post. With
    ``capture``, each request has the bench server record its SQL (``bench.bare``)."""
    if len(product_paths) < 2:
        raise FlowFailed("no-products", "fewer than two products to buy")
    first = product_paths[number % len(product_paths)]
    second = product_paths[(number * 7 + 1) % len(product_paths)]
    if second == first:
        second = product_paths[(number + 1) % len(product_paths)]
    status, _, page = client.request("GET", first, headers=_step("product", capture))
    _expect(status, (200,), "product page")
    token = _hidden(page).get("csrfmiddlewaretoken")
    if not token:
        raise FlowFailed("no-form", "no CSRF token on the product page")
    for count, path in enumerate((first, second), start=1):
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        body = urlencode({"product": slug, "quantity": "1", "csrfmiddlewaretoken": token})
        headers = {**FORM, **_step(f"add-{count}", capture)}
        status, _, _ = client.request("POST", "/cart/add/", body=body, headers=headers)
        _expect(status, (302, 303), "add to cart")
    status, _, page = client.request("GET", "/checkout/", headers=_step("checkout-page", capture))
    _expect(status, (200,), "checkout page")
    hidden = _hidden(page)
    if "idempotency_key" not in hidden or "csrfmiddlewaretoken" not in hidden:
        raise FlowFailed("no-form", "no checkout form")
    status, _, answer = client.request(
        "POST",
        "/test-gateway/tokens/",
        body=json.dumps(CARD),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": client.cookies.get("csrftoken", ""),
            **_step("card-token", capture),
        },
    )
    _expect(status, (200,), "card token")
    card_token = json.loads(answer)["token"]
    email = f"guest-{uuid.uuid4().hex[:16]}@bench.example.com"
    return Ready(
        {
            "csrfmiddlewaretoken": hidden["csrfmiddlewaretoken"],
            "idempotency_key": hidden["idempotency_key"],
            "email": email,
            "first_name": "Bench",
            "last_name": "Guest",
            "phone": "",
            "fulfilment": "pickup",
            "pickup_at": "asap",
            "card_token": card_token,
            "saved_card": "",
        }
    )


def place(client: Client, ready: Ready, headers: dict[str, str] | None = None) -> str:
    """Step 5: the order-placing POST; returns the confirmation page's path."""
    status, answer_headers, _ = client.request(
        "POST", "/checkout/", body=urlencode(ready.form), headers={**FORM, **(headers or {})}
    )
    location = answer_headers.get("Location", "")
    if status not in (302, 303) or "/checkout/done/" not in location:
        raise FlowFailed(str(status) if status >= 400 else "not-placed", location)
    return location


class CheckoutFlow(Flow):
    def __init__(self, product_paths: list[str] | None = None) -> None:
        self.product_paths = product_paths or []

    def bind(self, paths: list[str]) -> Flow:
        return CheckoutFlow(paths)

    def run(self, client: Client, item: object, number: int) -> None:
        ready = fill_cart(client, self.product_paths, number)
        done = place(client, ready)
        status, _, _ = client.request("GET", done)
        _expect(status, (200,), "confirmation page")


class PlaceFlow(Flow):
    prepares = True

    def __init__(self, product_paths: list[str] | None = None) -> None:
        self.product_paths = product_paths or []

    def bind(self, paths: list[str]) -> Flow:
        return PlaceFlow(paths)

    def prepare(self, client: Client, number: int) -> object:
        return fill_cart(client, self.product_paths, number)

    def run(self, client: Client, item: object, number: int) -> None:
        assert isinstance(item, Ready)
        place(client, item)


def capture_placement(port: int, product_paths: list[str]) -> None:
    """One real placement recorded by the bench server for the bare view."""
    client = Client(port)
    try:
        ready = fill_cart(client, product_paths, 0)
        place(client, ready, headers=_step(PLACEMENT, True))
    finally:
        client.close()


def capture_checkout(port: int, product_paths: list[str]) -> None:
    """One real checkout, each of its seven requests recorded by the bench server."""
    client = Client(port)
    try:
        ready = fill_cart(client, product_paths, 0, capture=True)
        done = place(client, ready, headers=_step("place", True))
        status, _, _ = client.request("GET", done, headers=_step("confirmation", True))
        _expect(status, (200,), "confirmation page")
    finally:
        client.close()


class BareCheckoutFlow(Flow):
    """The checkout's yardstick: its seven requests, each to the bare view replaying the
    SQL its real request ran (``bench.bare.bare_flow_step``), one unit continuing from
    step to step (the cart the first add made, the order the placing made)."""

    def run(self, client: Client, item: object, number: int) -> None:
        carry: dict = {}
        for step in STEPS:
            status, _, answer = client.request(
                "POST",
                f"/bench/bare-flow/{step}/",
                body=json.dumps(carry),
                headers={"Content-Type": "application/json"},
            )
            _expect(status, (200,), f"bare {step}")
            carry = json.loads(answer)["carry"]


class PartnerWebhookFlow(Flow):
    """A partner platform posting a new order: one signed ``order.created`` POST to
    ``/partners/<slug>/webhook/`` (the scenario's only path), each with its own event
    and order ids, signed with the bench partner's secret over the URL the server sees
    (``COMPTOIR_PUBLIC_URL`` when set, else the loopback address called). One unit: one
    order applied (200, "applied")."""

    def __init__(self, webhook_path: str = "", public_url: str | None = None) -> None:
        self.webhook_path = webhook_path
        self.public_url = public_url

    def bind(self, paths: list[str]) -> Flow:
        from django.conf import settings

        public = (getattr(settings, "COMPTOIR_PUBLIC_URL", "") or "").rstrip("/")
        return PartnerWebhookFlow(paths[0] if paths else "", public)

    def run(self, client: Client, item: object, number: int) -> None:
        if not self.webhook_path:
            raise FlowFailed("no-partner", "no bench partner in this data")
        body, headers = partner_event(
            self.webhook_path, number, base=self.public_url or f"http://127.0.0.1:{client.port}"
        )
        status, _, answer = client.request(
            "POST",
            self.webhook_path,
            body=body,
            headers={"Content-Type": "application/json", **headers},
        )
        _expect(status, (200,), "webhook")
        if json.loads(answer).get("status") != "applied":
            raise FlowFailed("not-applied", answer.decode(errors="replace")[:200])


def partner_event(path: str, number: int, *, base: str) -> tuple[str, dict[str, str]]:
    """The JSON body of a new partner order (unique event and order ids) and its
    signature headers for ``base`` + ``path``."""
    from bench.generators.partners import PARTNER_SECRET, item_id
    from comptoir.partners.signing import headers_for

    unique = uuid.uuid4().hex
    body = json.dumps(
        {
            "event_id": f"evt_{unique}",
            "type": "order.created",
            "order": {
                "id": f"BENCH-{unique}",
                "customer": {
                    "first_name": "Bench",
                    "last_name": "Partner",
                    "email": f"partner-{unique[:16]}@bench.example.com",
                },
                "items": [
                    {"id": item_id(number), "name": "Bench item", "quantity": 2},
                    {"id": item_id(number * 7 + 1), "name": "Bench item", "quantity": 1},
                ],
            },
        }
    )
    return body, headers_for(PARTNER_SECRET, base + path, body.encode())


# The auth token the bench server checks inbound texts with (``bench.server_settings``)
# when the environment gives none; the flow signs with the same.
BENCH_TWILIO_AUTH_TOKEN = "bench-twilio-auth-token-0123456789"
INBOUND_BODIES = [
    "Bonjour, ma commande est-elle prête ?",
    "Je passe vers 18h, merci !",
    "Hello, can I pick it up tomorrow instead?",
    "Avez-vous encore des baguettes tradition ?",
    "Merci beaucoup, à samedi",
]
NEW_NUMBER_EVERY = 5  # one text in five comes from a number nobody has on file


class InboundSmsFlow(Flow):
    """The provider posting an inbound text: one POST in Twilio's form format to the
    inbound webhook (the scenario's only path) with ``X-Twilio-Signature`` computed by
    the ``twilio`` library over the URL the server sees (``COMPTOIR_PUBLIC_URL`` when
    set, else the loopback address called) and the form. Four texts in five come from
    numbers of customers on file (``numbers``), one in five from a new number. One unit:
    one text answered 200."""

    def __init__(
        self,
        webhook_path: str = "",
        numbers: list[str] | None = None,
        public_url: str | None = None,
        token: str = BENCH_TWILIO_AUTH_TOKEN,
    ) -> None:
        self.webhook_path = webhook_path
        self.numbers = numbers or []
        self.public_url = public_url
        self.token = token

    def bind(self, paths: list[str]) -> Flow:
        from django.conf import settings
        from django.db import connection

        public = (getattr(settings, "COMPTOIR_PUBLIC_URL", "") or "").rstrip("/")
        token = getattr(settings, "TWILIO_AUTH_TOKEN", "") or BENCH_TWILIO_AUTH_TOKEN
        numbers = known_numbers()
        connection.close()  # the server must not wait on this process's connection
        return InboundSmsFlow(paths[0] if paths else "", numbers, public, token)

    def run(self, client: Client, item: object, number: int) -> None:
        if not self.webhook_path:
            raise FlowFailed("no-webhook", "no inbound text webhook")
        body, headers = inbound_text(
            self.webhook_path,
            number,
            numbers=self.numbers,
            base=self.public_url or f"http://127.0.0.1:{client.port}",
            token=self.token,
        )
        status, _, _ = client.request("POST", self.webhook_path, body=body, headers=headers)
        _expect(status, (200,), "inbound text")


def known_numbers(limit: int = 2000) -> list[str]:
    """Numbers of customers on file who have a conversation (texts join it)."""
    from comptoir.customers.models import Customer

    return list(
        Customer.objects.filter(conversation__isnull=False)
        .exclude(phone="")
        .order_by("id")
        .values_list("phone", flat=True)[:limit]
    )


def inbound_text(
    path: str, number: int, *, numbers: list[str], base: str, token: str
) -> tuple[str, dict[str, str]]:
    """The form body of inbound text ``number`` as Twilio posts it and its headers,
    signed for ``base`` + ``path`` with ``token``."""
    from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

    unique = uuid.uuid4().hex
    if numbers and number % NEW_NUMBER_EVERY:
        sender = numbers[number % len(numbers)]
    else:
        # A French mobile number nobody has: +337 then eight digits from the unique id.
        sender = f"+337{int(unique[:12], 16) % 100_000_000:08d}"
    form = {
        "ToCountry": "FR",
        "SmsMessageSid": f"SM{unique}",
        "NumMedia": "0",
        "SmsSid": f"SM{unique}",
        "SmsStatus": "received",
        "Body": INBOUND_BODIES[number % len(INBOUND_BODIES)],
        "FromCountry": "FR",
        "To": "+33700000000",
        "NumSegments": "1",
        "MessageSid": f"SM{unique}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(token).compute_signature(base + path, form)
    return urlencode(form), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
    }
