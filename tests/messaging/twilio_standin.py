"""A loopback stand-in for Twilio's Messages API (POST .../Accounts/<sid>/Messages.json).

It answers like Twilio (201 with the message's JSON: ``sid``, ``status``...; errors as
``{"code", "message", "more_info", "status"}``), checks the HTTP Basic credentials,
records every request, and can be told to fail: ``outage(n)`` answers the next ``n``
requests with 503, ``reject(number, code)`` refuses texts to a number with a Twilio
error code (21211 invalid number, 21610 opted out...). ``delivered`` lists the texts it
accepted (one per successful request), so a test can say "sent exactly once"."""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ACCOUNT_SID = "AC" + "0" * 30 + "1"
AUTH_TOKEN = "standin-auth-token-0001"
FROM_NUMBER = "+33700000001"

ERROR_MESSAGES = {
    21211: "The 'To' number {to} is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21635: "The 'To' number {to} is a landline and cannot receive SMS.",
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, str]
    status: int = 0


@dataclass
class TwilioStandIn:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    requests: list[Recorded] = field(default_factory=list)
    delivered: list[dict] = field(default_factory=list)
    rejections: dict[str, int] = field(default_factory=dict)
    failures_left: int = 0
    failure_status: int = 503
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Run once, in the server's thread, before the next request is answered: what
    # happens meanwhile (e.g. another worker taking over a send that takes long).
    before_answer: Callable[[], None] | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def outage(self, requests: int, status: int = 503) -> None:
        """Answer the next ``requests`` requests with ``status`` (an outage)."""
        self.failures_left, self.failure_status = requests, status

    def reject(self, number: str, code: int) -> None:
        self.rejections[number] = code

    def start(self) -> TwilioStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                standin._handle(self, "POST")

            def do_GET(self) -> None:
                standin._handle(self, "GET")

            def log_message(self, format, *args) -> None:
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

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        hook, self.before_answer = self.before_answer, None
        if hook is not None:
            hook()
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        params = dict(parse_qsl(body or parts.query, keep_blank_values=True))
        headers = {key.lower(): value for key, value in handler.headers.items()}
        record = Recorded(method, parts.path, headers, params)
        with self.lock:
            self.requests.append(record)
            status, reply = self._answer(method, parts.path, headers, params)
            record.status = status
        data = json.dumps(reply).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, method: str, path: str, headers: dict, params: dict) -> tuple[int, dict]:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if headers.get("authorization") != f"Basic {expected}":
            return _error(401, 20003, "Authenticate")
        match = re.fullmatch(r"/2010-04-01/Accounts/(\w+)/Messages\.json", path)
        if method != "POST" or not match or match[1] != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        if self.failures_left > 0:
            self.failures_left -= 1
            return _error(self.failure_status, 20500, "Service unavailable")
        to = params.get("To", "")
        if not to or not params.get("Body") or not params.get("From"):
            return _error(400, 21604, "A 'To' phone number, 'From' and 'Body' are required.")
        if to in self.rejections:
            code = self.rejections[to]
            return _error(400, code, ERROR_MESSAGES.get(code, "Error").format(to=to))
        sid = "SM" + secrets.token_hex(16)
        message = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": params["From"],
            "body": params["Body"],
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "price": None,
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "status_callback": params.get("StatusCallback"),
        }
        self.delivered.append(message)
        return 201, message


def _error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
