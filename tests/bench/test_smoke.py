"""The whole benchmark harness at tiny scale, a couple of seconds per scenario, so it
cannot rot: migrate, generate, `comptoir serve`, load, JSON results and the report.

It runs `python -m bench run` as a subprocess against its own fresh database (a
dedicated PostgreSQL database when the suite runs on PostgreSQL, else a temporary
SQLite file), never pytest-django's test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.urls import NoReverseMatch, reverse

from bench import REPO_ROOT
from bench.report import NOTE
from bench.scenarios import SCENARIOS

pytestmark = pytest.mark.bench

# Checkout, order placing (and its bare yardstick) and order history (issue 3).
ISSUE_3_SCENARIOS = [
    "checkout",
    "checkout_bare",
    "place_order",
    "place_order_bare",
    "account_orders",
    "account_orders_long",
]


@pytest.fixture
def bench_database_url() -> Iterator[str]:
    """A throw-away PostgreSQL database beside the suite's, or "" for SQLite."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        yield ""
        return
    import psycopg

    name = f"comptoir_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dashboard_product_list_exists() -> bool:
    try:
        reverse("dashboard:product_list")
    except NoReverseMatch:
        return False
    return True


def test_bench_run_measures_every_scenario_and_writes_json_report_and_chart(
    tmp_path: Path, bench_database_url: str
):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["COMPTOIR_DATA_DIR"] = str(tmp_path / "data")
    if bench_database_url:
        env["DATABASE_URL"] = bench_database_url
    results, docs = tmp_path / "results", tmp_path / "docs"

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "run",
            "--scale",
            "tiny",
            "--duration",
            "2",
            "--warmup",
            "0.3",
            "--concurrency",
            "2",
            "--workers",
            "1",
            "--threads",
            "2",
            "--results-dir",
            str(results),
            "--docs-dir",
            str(docs),
            "--no-progress",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    run = json.loads((results / "latest.json").read_text())
    assert len(list(results.glob("*-tiny.json"))) == 1
    assert run["scale"] == "tiny"
    vendor = "PostgreSQL" if bench_database_url else "SQLite"
    assert run["machine"]["database"]["vendor"] == vendor
    assert run["data"]["rows"]["catalog.Product"] > 0
    measured = {scenario["name"]: scenario for scenario in run["scenarios"]}
    assert set(measured) == set(SCENARIOS)
    for scenario in measured.values():
        assert scenario["requests"] > 0, scenario
        assert scenario["latency_ms"]["p50"] > 0
        assert scenario["server_rss_mib_max"] > 0
    must_succeed = ["home", "product", *ISSUE_3_SCENARIOS]
    if dashboard_product_list_exists():
        must_succeed.append("dashboard_products")
    for name in must_succeed:
        assert measured[name]["errors"] == 0, measured[name]
    assert run["server"]["worker"] is True
    assert measured["checkout"]["unit"] == measured["place_order"]["unit"] == "orders"
    assert measured["place_order"]["prepared"] > 0
    # The placing and its yardstick are measured in turns, not one after the other.
    assert measured["place_order"]["turns"] == {"with": "place_order_bare", "count": 4}
    assert measured["place_order_bare"]["turns"] == {"with": "place_order", "count": 4}
    assert measured["place_order"]["ratio"] == pytest.approx(
        measured["place_order"]["requests_per_second"]
        / measured["place_order_bare"]["requests_per_second"],
        abs=0.001,
    )
    # The checkout likewise, with the seven bare steps replaying its captured statements.
    assert measured["checkout"]["turns"] == {"with": "checkout_bare", "count": 4}
    assert measured["checkout_bare"]["unit"] == "orders"
    assert measured["checkout"]["ratio"] == pytest.approx(
        measured["checkout"]["requests_per_second"]
        / measured["checkout_bare"]["requests_per_second"],
        abs=0.001,
    )
    assert measured["account_orders"]["target"]["metric"] == "p95_ms"
    assert run["data"]["rows"]["orders.Order"] > 0
    assert run["data"]["rows"]["customers.Customer"] > 0

    page = (docs / "BENCHMARKS.md").read_text()
    assert NOTE in page.splitlines()[0]
    assert "bench/throughput-p95.png" in page
    assert all(f"| {name} |" in page for name in SCENARIOS)
    assert "Targets of the issues" in page and "of `place_order_bare`" in page
    assert (docs / "bench" / "throughput-p95.png").read_bytes().startswith(b"\x89PNG")
