"""Drive the server over HTTP: a few threads, each on its own keep-alive connection
with its own cookies, requesting a scenario's paths in turn until the time is up or
its share of the request budget is spent. Only the loopback address is ever used.

http.client rather than httpx: the client shares two cores with the server, and the
thinner it is the more of the machine measures the server."""

from __future__ import annotations

import http.client
import math
import re
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.server import HOST

# Bounds every run whatever the options: no loop goes on by itself.
MAX_REQUESTS_PER_SCENARIO = 500_000
MAX_DURATION_SECONDS = 600
# Long enough for the slowest page at the documented scale: a request the client gave
# up on would keep a server thread busy into the next scenario's measurement.
ANSWER_TIMEOUT = 120


class Client:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self.connection is not None
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            # The server closed an idle keep-alive connection: a new one, once.
            return self._send(method, path, body, headers)

    def _send(self, method, path, body, headers) -> tuple[int, dict[str, str], bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=ANSWER_TIMEOUT)
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return response.status, dict(response.headers.items()), content

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class SignInFailed(Exception):
    pass


def sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """Sign in through the dashboard's form (with its CSRF token); return the cookies."""
    client = Client(port)
    try:
        status, _, page = client.request("GET", "/dashboard/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SignInFailed(f"the sign-in page answered {status} without a form")
        body = urlencode(
            {
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
                "next": "",
            }
        )
        status, _, _ = client.request(
            "POST",
            "/dashboard/login/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in client.cookies:
            raise SignInFailed(f"signing in as {email} answered {status}, not a redirect")
        return client.cookies
    finally:
        client.close()


def customer_session(email: str) -> dict[str, str]:
    """A session cookie for the generated shopper ``email``, made in this process (as
    Django's test client logs in): no Argon2 check, no sign-in rate limit to trip."""
    from django.conf import settings
    from django.test import Client as DjangoClient

    from comptoir.users.models import User

    user = User.objects.filter(email=email).first()
    if user is None:
        raise SignInFailed(f"no generated account {email}")
    client = DjangoClient()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    errors: dict[str, int] = field(default_factory=dict)  # "404", "ConnectionRefusedError"...

    def add_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def hammer(
    port: int,
    paths: list[str],
    *,
    cookies: dict[str, str],
    concurrency: int,
    duration: float,
    max_requests: int,
) -> tuple[list[Tally], float]:
    """Request ``paths`` from ``concurrency`` threads for ``duration`` seconds or
    ``max_requests`` requests in all, whichever comes first; return each thread's
    tally and the wall-clock time taken."""
    duration = min(duration, MAX_DURATION_SECONDS)
    per_thread = max(1, min(max_requests, MAX_REQUESTS_PER_SCENARIO) // concurrency)
    tallies = [Tally() for _ in range(concurrency)]
    started = time.perf_counter()
    deadline = started + duration

    def work(number: int) -> None:
        client, tally = Client(port, cookies), tallies[number]
        position = number  # threads start at different paths
        try:
            for _ in range(per_thread):
                if time.perf_counter() >= deadline:
                    break
                path = paths[position % len(paths)]
                position += 1
                begun = time.perf_counter()
                try:
                    status, _, _ = client.request("GET", path)
                except Exception as error:  # counted, whatever it is: the run goes on
                    tally.add_error(type(error).__name__)
                    client.close()
                    continue
                tally.latencies.append(time.perf_counter() - begun)
                if not 200 <= status < 300:
                    tally.add_error(str(status))
        finally:
            client.close()

    threads = [
        threading.Thread(target=work, args=(n,), name=f"load-{n}") for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tallies, time.perf_counter() - started


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(tallies: list[Tally], elapsed: float) -> dict:
    latencies = sorted(value for tally in tallies for value in tally.latencies)
    errors: dict[str, int] = {}
    for tally in tallies:
        for kind, count in tally.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    exceptions = sum(n for kind, n in errors.items() if not kind.isdigit())
    requests = len(latencies) + exceptions

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    return {
        "requests": requests,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(requests / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": ms(percentile(latencies, 50)),
            "p95": ms(percentile(latencies, 95)),
            "p99": ms(percentile(latencies, 99)),
            "mean": ms(sum(latencies) / len(latencies)) if latencies else 0.0,
            "max": ms(latencies[-1]) if latencies else 0.0,
        },
    }


class FlowFailed(Exception):
    """One iteration of a flow went wrong; ``kind`` is what the tally counts
    ("500", "no-form"...)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


class Flow(ABC):
    """Several requests measured as one unit (an order placed). ``prepare`` (optional)
    runs before the clock starts, once per unit, and returns what ``run`` needs; the
    cookies of the preparing client go with it. ``run`` raises FlowFailed on error."""

    prepares = False

    def bind(self, paths: list[str]) -> Flow:
        """This flow for one run, given the scenario's paths (the products it buys)."""
        return self

    def prepare(self, client: Client, number: int) -> object:
        return None

    @abstractmethod
    def run(self, client: Client, item: object, number: int) -> None:
        """One unit: the measured requests."""


def hammer_flow(
    port: int,
    flow: Flow,
    *,
    concurrency: int,
    duration: float,
    max_units: int,
    prepared: int = 0,
    prepare_timeout: float = 300,
) -> tuple[list[Tally], float, dict]:
    """Run ``flow`` from ``concurrency`` threads, each unit on a fresh cookie jar, for
    ``duration`` seconds or ``max_units`` units. A flow that prepares gets ``prepared``
    units ready first (unmeasured); the measured run then ends when they are used up.
    Returns the tallies, the measured wall-clock time and facts about the preparation."""
    duration = min(duration, MAX_DURATION_SECONDS)
    max_units = max(1, min(max_units, MAX_REQUESTS_PER_SCENARIO))
    items: list[tuple[dict[str, str], object]] = []
    facts: dict = {}
    if flow.prepares:
        wanted = max(1, min(prepared, max_units))
        lock = threading.Lock()
        failures: dict[str, int] = {}
        counter = iter(range(wanted))
        prepare_deadline = time.perf_counter() + min(prepare_timeout, MAX_DURATION_SECONDS)
        begun = time.perf_counter()

        def prepare_work() -> None:
            client = Client(port)
            try:
                while time.perf_counter() < prepare_deadline:
                    with lock:
                        number = next(counter, None)
                    if number is None:
                        return
                    client.cookies = {}
                    try:
                        item = flow.prepare(client, number)
                    except Exception as error:
                        kind = error.kind if isinstance(error, FlowFailed) else type(error).__name__
                        with lock:
                            failures[kind] = failures.get(kind, 0) + 1
                        client.close()
                        continue
                    with lock:
                        items.append((dict(client.cookies), item))
            finally:
                client.close()

        _run_threads(prepare_work, concurrency, "prepare")
        facts = {
            "prepared": len(items),
            "prepare_seconds": round(time.perf_counter() - begun, 1),
            "prepare_errors": failures,
        }
        max_units = min(max_units, len(items))
    per_thread = max(1, max_units // concurrency)
    tallies = [Tally() for _ in range(concurrency)]
    queue = iter(items)
    queue_lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + duration

    def work(number: int) -> None:
        client, tally = Client(port), tallies[number]
        try:
            for unit in range(per_thread):
                if time.perf_counter() >= deadline:
                    break
                item: object = None
                if flow.prepares:
                    with queue_lock:
                        taken = next(queue, None)
                    if taken is None:
                        break
                    client.cookies, item = dict(taken[0]), taken[1]
                else:
                    client.cookies = {}
                begun = time.perf_counter()
                try:
                    flow.run(client, item, number * per_thread + unit)
                except FlowFailed as error:
                    if error.kind.isdigit():  # an answer, counted like `hammer` does
                        tally.latencies.append(time.perf_counter() - begun)
                    tally.add_error(error.kind)
                    client.close()
                    continue
                except Exception as error:  # counted, whatever it is: the run goes on
                    tally.add_error(type(error).__name__)
                    client.close()
                    continue
                tally.latencies.append(time.perf_counter() - begun)
        finally:
            client.close()

    _run_threads(work, concurrency, "flow", numbered=True)
    return tallies, time.perf_counter() - started, facts


def _run_threads(target, count: int, name: str, *, numbered: bool = False) -> None:
    threads = [
        threading.Thread(target=target, args=(n,) if numbered else (), name=f"{name}-{n}")
        for n in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
