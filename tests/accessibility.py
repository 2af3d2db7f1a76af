"""axe-core, run on a page as it is now: the check tests/test_accessibility.py applies to every
page and state, and that other browser tests apply to the state they bring about (the loop
picture, the exercises).

axe-core is the npm package pinned in package.json, injected from node_modules into the page
under test (never from a CDN).
"""

from __future__ import annotations

from typing import Literal

from playwright.sync_api import Page, expect

from tests.paths import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


# What a colour scheme changes; the rest of axe's rules read structure, the same in both.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def violations(page: Page, rules: list[str] | None = None) -> list[str]:
    """axe's violations on the page as it is now (all rules, or these), one line per node."""
    if not AXE.is_file():
        raise RuntimeError(f"{AXE} is missing: run `npm install` (axe-core is a devDependency)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], **({"runOnly": {"type": "rule", "values": rules}} if rules else {})}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '').splitlines()[-1:]}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def in_each_scheme(page: Page) -> list[str]:
    """Every rule in light, then the colour rules in dark, on the page as it is (no reload: the
    state stays). The palette's first entry follows the system preference, so emulating the
    preference switches the scheme; Material applies it live."""
    found = []
    schemes: tuple[tuple[Literal["light", "dark"], str, list[str] | None], ...] = (
        ("light", "default", None),
        ("dark", "slate", COLOUR_RULES),
    )
    for scheme, material, rules in schemes:
        page.emulate_media(color_scheme=scheme)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material)
        found += [f"[{scheme}] {line}" for line in violations(page, rules)]
    return found
