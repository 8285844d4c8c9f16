"""The placing request and the checkout are measured in turns with their bare yardsticks (bench/run.py): which
pairs are, and how the slices of one scenario make one measurement."""

from __future__ import annotations

from bench.load import Tally
from bench.run import TURNS, _in_turns, _joined, _Slice
from bench.scenarios import SCENARIOS, select


def test_the_placing_is_measured_in_turns_with_its_yardstick_when_both_run():
    assert _in_turns(select("place_order_bare,place_order")) == {"place_order_bare": "place_order"}
    assert _in_turns(select("place_order,place_order_bare,checkout")) == {
        "place_order_bare": "place_order"
    }
    # Either alone is measured as any scenario is.
    assert _in_turns(select("place_order")) == {}
    assert _in_turns(select("place_order_bare,checkout")) == {}
    # The checkout likewise with its own yardstick; no other scenario is measured in turns.
    assert _in_turns(select("checkout,checkout_bare,place_order,place_order_bare")) == {
        "checkout_bare": "checkout",
        "place_order_bare": "place_order",
    }
    assert [(s.name, s.in_turns_with) for s in SCENARIOS.values() if s.in_turns_with] == [
        ("checkout", "checkout_bare"),
        ("place_order", "place_order_bare"),
    ]
    assert TURNS % 2 == 0  # ABBA: each side as often first as second


def test_slices_join_into_one_measurement():
    first = _Slice(
        [Tally([0.010, 0.020]), Tally([0.030])],
        2.5,
        {"prepared": 375, "prepare_seconds": 3.25, "prepare_errors": {"500": 1}},
    )
    second = _Slice(
        [Tally([0.040], {"502": 1}), Tally([])],
        2.0,
        {"prepared": 375, "prepare_seconds": 3.0, "prepare_errors": {"500": 2, "no-form": 1}},
    )

    joined = _joined([first, second])

    assert joined.elapsed == 4.5
    assert sorted(v for tally in joined.tallies for v in tally.latencies) == [
        0.010,
        0.020,
        0.030,
        0.040,
    ]
    assert [tally.errors for tally in joined.tallies if tally.errors] == [{"502": 1}]
    assert joined.facts == {
        "prepared": 750,
        "prepare_seconds": 6.2,
        "prepare_errors": {"500": 3, "no-form": 1},
    }
