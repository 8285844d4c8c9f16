"""axe-core accessibility checks for browser journeys.

axe-core is vendored for tests only (tests/e2e/vendor/axe-core-<version>/, MPL-2.0, with
its LICENSE), taken from the npm package with `npm pack axe-core@<version>`: the tests
never download it. To upgrade, pack the new version, put its `axe.min.js` and LICENSE
files in a folder named after it and change AXE_VERSION.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now (all impacts), once loaded."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """async () => {
            const results = await window.axe.run(document, {resultTypes: ['violations']});
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(' '),
                    summary: n.failureSummary,
                })),
            }));
        }"""
    )
    return list(results)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:10]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Any, *, where: str = "") -> None:
    """Fail, listing them, on any axe-core violation of impact serious or critical."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    label = where or page.url
    assert not blocking, f"accessibility violations on {label}:\n{describe(blocking)}"
