"""``python -m bench profile``: where one guest checkout's time goes, step by step.

Runs the checkout flow of ``bench.flows`` in this process with Django's test client on
the configured database (filled by ``bench generate`` or a kept ``bench run``), one
request at a time, and prints for each step the median time and the number of SQL
statements, then the functions of the product taking most time in the placing POST
(cProfile) and its slowest SQL statements. Nothing is served: this complements the
HTTP measurements with an explanation of them."""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import time
import uuid
from collections.abc import Callable
from statistics import median
from typing import Any

from bench.flows import CARD, _hidden

STEPS = [
    "GET product page",
    "POST /cart/add/ (first product)",
    "POST /cart/add/ (second product)",
    "GET /checkout/",
    "POST /test-gateway/tokens/",
    "POST /checkout/ (places the order)",
    "GET /checkout/done/<number>/",
]
PLACE = STEPS[5]
PROFILED = 10


class _Statements:
    """Counts and times the SQL statements of the step being measured."""

    def __init__(self) -> None:
        self.count = 0
        self.slowest: dict[str, list[float]] = {}
        self.record = False

    def __call__(self, execute, sql, params, many, context):
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            if self.record:
                self.slowest.setdefault(sql[:110], []).append(time.perf_counter() - begun)


def profile(units: int = 25, top: int = 15, print_: Callable[[str], None] = print) -> dict:
    from django.db import connection
    from django.test import Client

    from bench.scenarios import _checkout_products

    paths = _checkout_products("default")
    if len(paths) < 2:
        raise ValueError("no products to buy: fill the database with `bench generate` first")
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    # This process's CPU time per step: the Python around the statements, steadier than
    # the wall-clock time when other work shares the cores (it excludes waiting for
    # PostgreSQL and for the CPU).
    cpu: dict[str, list[float]] = {step: [] for step in STEPS}
    statements: dict[str, int] = {}
    counter = _Statements()
    profiler = cProfile.Profile()

    def step(name: str, request: Callable[[], Any], mode: str) -> Any:
        counter.count = 0
        counter.record = name == PLACE and mode == "timed"
        profiling = name == PLACE and mode == "profiled"
        begun, begun_cpu = time.perf_counter(), time.thread_time()
        if profiling:
            profiler.enable()
        response = request()
        if profiling:
            profiler.disable()
        if mode == "timed":
            timings[name].append(time.perf_counter() - begun)
            cpu[name].append(time.thread_time() - begun_cpu)
            statements[name] = counter.count
        return response

    # One client for every checkout, its cookies cleared for each new shopper: a new
    # Client loads the middleware again on its first request (whitenoise scanning the
    # static files, several ms), which a served worker does once, not per shopper.
    client = Client(HTTP_HOST="127.0.0.1")

    def checkout(number: int, mode: str) -> None:
        client.cookies.clear()
        first, second = paths[number % len(paths)], paths[(number * 7 + 1) % len(paths)]
        page = step(STEPS[0], lambda: client.get(first), mode)
        token = _hidden(page.content)["csrfmiddlewaretoken"]
        for name, path in ((STEPS[1], first), (STEPS[2], second)):
            slug = path.rstrip("/").rsplit("/", 1)[-1]
            added = {"product": slug, "quantity": "1", "csrfmiddlewaretoken": token}
            step(name, lambda added=added: client.post("/cart/add/", added), mode)
        hidden = _hidden(step(STEPS[3], lambda: client.get("/checkout/"), mode).content)
        card = {"data": json.dumps(CARD), "content_type": "application/json"}
        csrf = client.cookies["csrftoken"].value
        answer = step(
            STEPS[4],
            lambda: client.post("/test-gateway/tokens/", **card, HTTP_X_CSRFTOKEN=csrf),
            mode,
        )
        form = {
            **hidden,
            "email": f"profile-{uuid.uuid4().hex[:12]}@bench.example.com",
            "first_name": "Bench",
            "last_name": "Profile",
            "phone": "",
            "fulfilment": "pickup",
            "pickup_at": "asap",
            "card_token": answer.json()["token"],
            "saved_card": "",
        }
        placed = step(STEPS[5], lambda: client.post("/checkout/", form), mode)
        step(STEPS[6], lambda: client.get(placed["Location"]), mode)

    with connection.execute_wrapper(counter):
        # Three to warm the caches up, then timed, then a few under cProfile (its
        # overhead would distort the times).
        for number in range(3):
            checkout(number, "warm")
        for number in range(units):
            checkout(3 + number, "timed")
        for number in range(PROFILED):
            checkout(3 + units + number, "profiled")

    medians = {name: median(values) * 1000 for name, values in timings.items()}
    cpu_medians = {name: median(values) * 1000 for name, values in cpu.items()}
    print_("| Step of the guest checkout | ms (median) | CPU ms (median) | SQL statements |")
    print_("| --- | ---: | ---: | ---: |")
    for name in STEPS:
        print_(f"| {name} | {medians[name]:.1f} | {cpu_medians[name]:.1f} | {statements[name]} |")
    total, total_cpu = sum(medians.values()), sum(cpu_medians.values())
    print_(
        f"| **one order** | **{total:.0f}** | **{total_cpu:.0f}** | "
        f"**{sum(statements.values())}** |"
    )
    database_ms = sum(sum(values) for values in counter.slowest.values()) / units * 1000
    print_(
        f"\nThe placing POST: {medians[PLACE]:.1f} ms, of which {database_ms:.1f} ms waiting "
        f"for its {statements[PLACE]} SQL statements (mean); the rest is Python."
    )
    print_(f"\nSlowest SQL of the placing POST (mean ms over {units} requests):")
    by_time = sorted(counter.slowest.items(), key=lambda item: -sum(item[1]))
    for sql, values in by_time[:5]:
        print_(f"  {sum(values) / units * 1000:6.2f} ms  x{len(values) // units}  {sql}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats("comptoir", top)
    print_(
        f"\nThe placing POST under cProfile, {PROFILED} requests (product functions, "
        f"cumulative):\n{out.getvalue()}"
    )
    return {
        "medians_ms": medians,
        "cpu_medians_ms": cpu_medians,
        "statements": statements,
        "total_ms": total,
        "placing_database_ms": database_ms,
    }
