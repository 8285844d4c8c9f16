"""The runnable example of docs/partners.md (bash, openssl, curl) run as written, with
only the secret and the address replaced, against a live server."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from comptoir.orders.models import Order

DOC = Path(__file__).resolve().parents[2] / "docs" / "partners.md"


def documented_example() -> str:
    section = DOC.read_text().split("### Runnable example", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_the_documented_curl_example_creates_an_order(live_server, partner, burger):
    script = documented_example()
    script = re.sub(r"^secret=.*$", f"secret='{partner.secret}'", script, flags=re.M)
    script = re.sub(
        r"^url=.*$", f"url='{live_server.url}/partners/{partner.slug}/webhook/'", script, flags=re.M
    )

    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["status"] == "applied"
    order = Order.objects.get()
    assert order.number == answer["order"]
    assert order.lines.get().product == burger
