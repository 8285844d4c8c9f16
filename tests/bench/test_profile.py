"""``python -m bench profile`` on the tiny generated data: it walks the real checkout
pages (the same flow the bench server is loaded with) and accounts for every step."""

from __future__ import annotations

import pytest

from bench import bulk
from bench.generate import generate
from bench.profile import PLACE, STEPS, profile
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db


def test_profile_times_every_step_of_a_guest_checkout_that_places_real_orders():
    bulk.SHOW_PROGRESS = False
    try:
        generate("tiny", report=lambda line: None)
    finally:
        bulk.SHOW_PROGRESS = True
    before = Order.objects.count()
    lines: list[str] = []

    result = profile(units=2, print_=lines.append)

    assert set(result["medians_ms"]) == set(STEPS)
    assert all(result["statements"][step] > 0 for step in STEPS)
    assert result["statements"][PLACE] > result["statements"][STEPS[0]]
    assert Order.objects.count() == before + 3 + 2 + 10  # warm-up, timed, profiled
    assert any(line.startswith("| POST /checkout/ (places the order) |") for line in lines)
