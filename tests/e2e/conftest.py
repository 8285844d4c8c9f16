"""Browser journeys: the real app on pytest-django's live server, driven by Playwright's
sync API with Debian's chromium (browsers are never downloaded).

Without chromium the journeys are skipped with the reason; with CI=true that is a failure
(scripts/run_tests.py also refuses to skip them in CI). A failing journey leaves a
screenshot under $COMPTOIR_E2E_SCREENSHOTS (default: <tmp>/comptoir-e2e/).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(
    os.environ.get("COMPTOIR_E2E_SCREENSHOTS", Path(tempfile.gettempdir()) / "comptoir-e2e")
)
CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here is a journey, marked or not: keep them out of the parallel unit run.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.access(CHROMIUM, os.X_OK):
        message = (
            f"{CHROMIUM} not found: install Debian's 'chromium' package to run browser journeys"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop in this thread; Django's ORM refuses to
    # run where a loop is running unless told it is safe (it is: one thread, sync calls).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(browser, request, live_server) -> Iterator:
    """A page in a 375 px wide phone viewport; a screenshot is kept if the test fails."""
    context = browser.new_context(viewport=PHONE, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = request.node.stash.get(CALL_REPORT, None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot of the failing page: {path}", file=sys.stderr)
    context.close()
