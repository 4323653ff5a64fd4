"""axe-core in the browser: inject the pinned copy (installed by `make deps` into .tools) and collect
the serious and critical violations of a page, printed so a person can find and fix each one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

PROJECT_DIR = Path(__file__).resolve().parents[2]
# `make deps` installs the pinned axe-core next to bun; a helper's own folder is accepted too.
AXE_CANDIDATES = [
    PROJECT_DIR / ".tools/node_modules/axe-core/axe.min.js",
    PROJECT_DIR / ".tools-axe/node_modules/axe-core/axe.min.js",
]
# WCAG 2.0–2.2, levels A and AA (what the shop promises), plus axe's best practices for headings and landmarks.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    for candidate in AXE_CANDIDATES:
        if candidate.is_file():
            return candidate.read_text()
    pytest.fail("axe-core is not installed: run `make deps` (it installs the pinned axe-core into .tools)")


def axe_violations(page: Page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    return [violation for violation in result["violations"] if violation["impact"] in BLOCKING]


def describe(where: str, violations: list[dict]) -> str:
    """One readable block per violation: page, rule, impact, what to do, and each failing element."""
    lines = []
    for violation in violations:
        lines.append(f"[{where}] {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:6]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    … and {len(violation['nodes']) - 6} more")
    return "\n".join(lines)
