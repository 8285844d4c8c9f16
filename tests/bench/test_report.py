"""How a run's ratios and targets are worked out and shown (bench/run.py, report.py)."""

from __future__ import annotations

from bench.report import render
from bench.run import _compare


def scenario(name: str, rps: float, p95: float = 10.0, errors: int = 0, **extra) -> dict:
    return {
        "name": name,
        "description": f"{name} page",
        "requests": int(rps * 10),
        "requests_per_second": rps,
        "errors": errors,
        "error_kinds": {"500": errors} if errors else {},
        "latency_ms": {"p50": p95 / 2, "p95": p95, "p99": p95, "mean": p95, "max": p95},
        "server_rss_mib_max": 100.0,
        **extra,
    }


def a_run(scenarios: list[dict]) -> dict:
    return {
        "date": "2026-12-01T22:00:00+00:00",
        "command": "python -m bench run --scale large",
        "scale": "large",
        "scale_factor": 1.0,
        "machine": {
            "cpu": "CPU",
            "cores": 2,
            "ram_gib": 24,
            "os": "Debian",
            "python": "3.11",
            "load_average_1min": 0.5,
            "database": {"vendor": "PostgreSQL", "version": "15"},
        },
        "server": {"command": "comptoir serve", "workers": 2, "threads": 4, "worker": True},
        "load": {"concurrency": 4, "duration_s": 10, "warmup_s": 2},
        "data": {"generated": True, "seconds": 60.0, "rows": {"orders.Order": 1_000_000}},
        "scenarios": scenarios,
        "_file": "bench/results/x.json",
    }


def test_placing_is_compared_with_the_bare_view_and_judged_against_60_percent():
    measured = [
        scenario("place_order_bare", 40.0),
        scenario("place_order", 26.0, compare_to="place_order_bare", unit="orders"),
    ]

    _compare(measured)

    assert measured[1]["ratio"] == 0.65
    assert measured[1]["target"]["met"] is True
    page = render([a_run(measured)], chart_link=None)
    assert "| `place_order` | at least 60% of the bare view's throughput | 65% of" in page
    assert "Counted in orders" in page


def test_a_target_is_missed_when_the_bound_is_not_reached_or_requests_failed():
    measured = [
        scenario("checkout", 12.0, unit="orders"),
        scenario("account_orders", 120.0, p95=40.0, errors=3),
    ]

    _compare(measured)

    assert measured[0]["target"]["met"] is False
    assert measured[1]["target"]["met"] is False  # fast enough, but with errors
    page = render([a_run(measured)], chart_link=None)
    assert "12.0 orders/s; 5.0x Saleor 3.24's guest checkout" in page
    assert "p95 40.0 ms; 6.0x Saleor 3.24's 20-order history" in page
    assert page.count("**missed**") == 2


def test_the_hand_written_analysis_follows_the_latest_run():
    page = render(
        [a_run([scenario("home", 20.0)])], chart_link=None, analysis="### Where the time goes"
    )

    assert page.index("| home |") < page.index("### Where the time goes")


def test_the_checkout_is_judged_in_orders_a_second_and_shown_beside_its_bare_flow():
    measured = [
        scenario("checkout_bare", 40.0, unit="orders"),
        scenario("checkout", 22.0, compare_to="checkout_bare", unit="orders"),
    ]

    _compare(measured)

    assert measured[1]["ratio"] == 0.55
    assert measured[1]["target"]["met"] is False  # 60 orders/s: the ratio is only shown
    page = render([a_run(measured)], chart_link=None)
    assert (
        "| `checkout` | at least 60 orders/s | 22.0 orders/s; 9.2x Saleor 3.24's guest checkout"
        " (about 2.4 orders/s); 55% of `checkout_bare` (40.0 per s) | **missed** |"
    ) in page
