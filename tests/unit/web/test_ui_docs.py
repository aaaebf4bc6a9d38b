"""docs/ui.md shows every screen the browser tests visit: each `screens.check(page, "<name>")` in
tests/browser has its screenshot committed as docs/ui/<name>.png and shown in docs/ui.md, and no stale
screenshot is left behind."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHECK = re.compile(r"""screens\.check\(page, f?["']([a-z0-9{}-]+)["']\)""")


def visited() -> set[str]:
    names: set[str] = set()
    for test in (ROOT / "tests" / "browser").rglob("test_ui_*.py"):
        for name in CHECK.findall(test.read_text()):
            names |= {name.replace("{tab}", tab) for tab in ("counts", "cold-chain", "lots")} if "{tab}" in name else {name}
    return names


def test_every_screen_the_browser_tests_visit_is_in_docs_ui_and_nothing_else_is():
    doc = (ROOT / "docs" / "ui.md").read_text()
    shown = set(re.findall(r"\(ui/([a-z0-9-]+)\.png\)", doc))
    committed = {p.stem for p in (ROOT / "docs" / "ui").glob("*.png")}
    screens = visited()
    assert len(screens) >= 25
    assert screens == committed, f"missing {sorted(screens - committed)}, stale {sorted(committed - screens)}"
    assert screens == shown, f"not in docs/ui.md {sorted(screens - shown)}, extra {sorted(shown - screens)}"
