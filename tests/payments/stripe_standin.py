"""A loopback stand-in for the few Stripe API endpoints the Stripe gateway calls.

It answers with JSON shaped like Stripe's (ids, ``object`` names, error bodies with
``type``/``code``/``decline_code``, replays per ``Idempotency-Key``) and records every
request, so tests drive the real ``stripe`` client and then check what it sent.

Payment methods known to it (named like Stripe's own test payment methods):
``pm_card_visa``, ``pm_card_mastercard`` approve; ``pm_card_chargeDeclined`` and
``pm_card_chargeDeclinedInsufficientFunds`` decline; ``pm_card_chargeDeclinedExpiredCard``
is expired; ``pm_card_authenticationRequired`` needs 3-D Secure; ``pm_wallet_applepay``
is a wallet card.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ACCOUNT_ID = "acct_1StandIn0000001"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, str]


def _card(brand: str, last4: str, wallet: bool = False) -> dict:
    return {
        "brand": brand,
        "last4": last4,
        "exp_month": 12,
        "exp_year": 2034,
        "country": "US",
        "funding": "credit",
        "wallet": {"type": "apple_pay"} if wallet else None,
    }


@dataclass
class StripeStandIn:
    secret_key: str
    requests: list[Recorded] = field(default_factory=list)
    payment_methods: dict[str, dict] = field(default_factory=dict)
    intents: dict[str, dict] = field(default_factory=dict)
    refunded: dict[str, int] = field(default_factory=dict)
    replies: dict[str, tuple[int, dict]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        cards = {
            "pm_card_visa": _card("visa", "4242"),
            "pm_card_mastercard": _card("mastercard", "4444"),
            "pm_card_chargeDeclined": _card("visa", "0002"),
            "pm_card_chargeDeclinedInsufficientFunds": _card("visa", "9995"),
            "pm_card_chargeDeclinedExpiredCard": _card("visa", "0069"),
            "pm_card_authenticationRequired": _card("visa", "3184"),
            "pm_wallet_applepay": _card("visa", "1881", wallet=True),
        }
        for pm_id, card in cards.items():
            self.payment_methods[pm_id] = {
                "id": pm_id,
                "object": "payment_method",
                "type": "card",
                "card": card,
                "customer": None,
                "livemode": False,
            }

    # Serving -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                standin._handle(self, "GET")

            def do_POST(self) -> None:
                standin._handle(self, "POST")

            def do_DELETE(self) -> None:
                standin._handle(self, "DELETE")

            def log_message(self, format, *args) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        params = dict(parse_qsl(body or parts.query, keep_blank_values=True))
        headers = {key.lower(): value for key, value in handler.headers.items()}
        self.requests.append(Recorded(method, parts.path, headers, params))

        key = headers.get("idempotency-key")
        if method == "POST" and key and key in self.replies:
            status, reply = self.replies[key]
        else:
            status, reply = self._answer(method, parts.path, headers, params)
            if method == "POST" and key:
                self.replies[key] = (status, reply)
        data = json.dumps(reply).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
        handler.end_headers()
        handler.wfile.write(data)

    # The endpoints ------------------------------------------------------------------

    def _answer(self, method: str, path: str, headers: dict, params: dict) -> tuple[int, dict]:
        if headers.get("authorization") != f"Bearer {self.secret_key}":
            return _error(401, "invalid_request_error", None, "Invalid API Key provided.")
        if method == "GET" and path == "/v1/account":
            return 200, {"id": ACCOUNT_ID, "object": "account", "country": "FR"}
        if method == "POST" and path == "/v1/payment_intents":
            return self._payment_intent(params)
        if method == "POST" and path == "/v1/customers":
            return 200, {"id": f"cus_{secrets.token_hex(7)}", "object": "customer"}
        if method == "POST" and path == "/v1/refunds":
            return self._refund(params)
        match = re.fullmatch(r"/v1/payment_methods/([\w]+)(?:/(attach|detach))?", path)
        if match and match[1] in self.payment_methods:
            payment_method = self.payment_methods[match[1]]
            if match[2] == "attach" and method == "POST":
                payment_method["customer"] = params["customer"]
            elif match[2] == "detach" and method == "POST":
                if payment_method["customer"] is None:
                    return _error(
                        400,
                        "invalid_request_error",
                        "payment_method_not_attached",
                        "The payment method is not attached to a customer.",
                    )
                payment_method["customer"] = None
            elif match[2] is not None or method != "GET":
                return _error(404, "invalid_request_error", None, "Unrecognized request URL.")
            return 200, payment_method
        if match:
            return _missing("payment_method", match[1])
        return _error(404, "invalid_request_error", None, "Unrecognized request URL.")

    def _payment_intent(self, params: dict) -> tuple[int, dict]:
        pm_id = params.get("payment_method", "")
        payment_method = self.payment_methods.get(pm_id)
        if payment_method is None:
            return _missing("payment_method", pm_id)
        if payment_method["customer"] and params.get("customer") != payment_method["customer"]:
            return _error(
                400,
                "invalid_request_error",
                None,
                "The provided PaymentMethod was previously used with a customer.",
            )
        intent_id = f"pi_{secrets.token_hex(12)}"
        declines = {
            "pm_card_chargeDeclined": ("card_declined", "generic_decline"),
            "pm_card_chargeDeclinedInsufficientFunds": ("card_declined", "insufficient_funds"),
            "pm_card_chargeDeclinedExpiredCard": ("expired_card", None),
        }
        if pm_id in declines:
            code, decline_code = declines[pm_id]
            status, body = _error(402, "card_error", code, "Your card was declined.")
            body["error"]["decline_code"] = decline_code
            body["error"]["payment_intent"] = {"id": intent_id, "status": "requires_payment_method"}
            return status, body
        expanded = params.get("expand[0]") == "payment_method"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "currency": params["currency"],
            "customer": params.get("customer"),
            "status": "requires_action"
            if pm_id == "pm_card_authenticationRequired"
            else "succeeded",
            "payment_method": payment_method if expanded else pm_id,
            "latest_charge": f"ch_{secrets.token_hex(12)}",
            "livemode": False,
        }
        self.intents[intent_id] = intent
        return 200, intent

    def _refund(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent", params.get("payment_intent", ""))
        amount = int(params.get("amount", intent["amount"]))
        left = intent["amount"] - self.refunded.get(intent["id"], 0)
        if amount > left:
            return _error(
                400,
                "invalid_request_error",
                "amount_too_large",
                "Refund amount is greater than unrefunded amount on charge.",
            )
        self.refunded[intent["id"]] = self.refunded.get(intent["id"], 0) + amount
        return 200, {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "payment_intent": intent["id"],
            "status": "succeeded",
        }


def _error(status: int, kind: str, code: str | None, message: str) -> tuple[int, dict]:
    body: dict = {"type": kind, "message": message}
    if code:
        body["code"] = code
    return status, {"error": body}


def _missing(kind: str, ident: str) -> tuple[int, dict]:
    return _error(404, "invalid_request_error", "resource_missing", f"No such {kind}: '{ident}'")
