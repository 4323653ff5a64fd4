"""Text sizes in rem (WCAG 1.4.4): a browser's text-only zoom enlarges rem, never px."""

from __future__ import annotations

import re
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[3] / "assets"
PX_FONT = re.compile(r"font(?:-size)?\s*:[^;}]*\b\d+(?:\.\d+)?px", re.IGNORECASE)


def test_no_stylesheet_of_the_app_sets_a_font_size_in_px() -> None:
    offenders = [
        f"{sheet.name}:{number}: {line.strip()}"
        for sheet in sorted(ASSETS.glob("*.css"))
        for number, line in enumerate(sheet.read_text().splitlines(), start=1)
        if PX_FONT.search(line)
    ]
    assert not offenders, "px font sizes:\n" + "\n".join(offenders)


def test_the_radix_type_scale_is_redefined_in_rem() -> None:
    # Radix themes declares --font-size-1…9 and the line heights in px; styles.css restates each in rem.
    styles = (ASSETS / "styles.css").read_text()
    for name in ("font-size", "line-height", "heading-line-height"):
        for step in range(1, 10):
            assert re.search(rf"--{name}-{step}: calc\([\d.]+rem \* var\(--scaling\)\)", styles), f"--{name}-{step}"
