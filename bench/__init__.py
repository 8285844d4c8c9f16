"""Comptoir's benchmark harness.

``python -m bench generate`` fills a database at a chosen scale, ``python -m bench run``
serves it with the real server and measures it over HTTP, ``python -m bench report``
regenerates docs/BENCHMARKS.md from the JSON results. Later issues extend it by adding
a generator module under ``bench/generators/`` and scenarios to ``bench/scenarios.py``.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
DOCS_DIR = REPO_ROOT / "docs"
