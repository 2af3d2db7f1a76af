"""Lighthouse (mobile) on every page of the built site, served by the playground on loopback.

Prints one table: performance, accessibility, best practices and SEO per page (0-100), and
each page's total blocking time. Lighthouse is the npm package pinned in package.json
(`npm install` puts it in node_modules/); the browser is Debian's Chromium.

Nothing leaves the machine: Chromium resolves no host name but 127.0.0.1/localhost (any other
lookup fails at once), its background services are off, Lighthouse's error reporting is off,
and each report's own list of network requests is checked to be loopback only (a request
elsewhere is printed and makes the script exit 1).

Usage: .venv/bin/python benchmarks/lighthouse.py [site dir] [page ...]   (after `make site`;
builds nothing; pages as URL paths, e.g. /async-io/, default every nav page)
This is a measurement, not a test: nothing here asserts a score.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.live_server import run_playground  # noqa: E402
from tests.ports import free_port  # noqa: E402
from tests.site_pages import nav_pages  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROME_FLAGS = [
    "--headless=new",
    *CHROMIUM_ARGS,  # the tests' flags: Chromium reaches out to nothing on its own
    # Every host name but loopback fails to resolve: no request can leave by name.
    '--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"',
]


def lighthouse(url: str, attempts: int = 2) -> dict[str, Any]:
    """One Lighthouse run (mobile: its default form factor and throttling); the JSON report.

    A run that fails to record its trace (NO_NAVSTART happens under load) is tried again once."""
    for attempt in range(1, attempts + 1):
        try:
            return _lighthouse_once(url)
        except RuntimeError as error:
            if attempt == attempts:
                raise
            print(f"  retrying {url}: {str(error).splitlines()[-1]}", file=sys.stderr, flush=True)
    raise AssertionError("unreachable")


def _lighthouse_once(url: str) -> dict[str, Any]:
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            "--no-enable-error-reporting",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
    )
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def off_loopback(report: dict[str, Any]) -> list[str]:
    """Requests the page made to anything but loopback (data: and blob: are not requests)."""
    items = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    return [
        item["url"]
        for item in items
        if urlsplit(item["url"]).scheme in {"http", "https", "ws", "wss"}
        and urlsplit(item["url"]).hostname not in LOOPBACK
    ]


def main() -> int:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    if not (site / "index.html").is_file():
        print(f"{site}/index.html is missing: build the site first (`make site`)", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.is_file():
        print(f"{LIGHTHOUSE} is missing: run `npm install` (lighthouse is a devDependency)", file=sys.stderr)
        return 2
    escaped: list[str] = []
    rows = []
    with run_playground(port=free_port(), site_dir=site) as server:
        for path in sys.argv[2:] or nav_pages():
            report = lighthouse(server.base_url + path)
            scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES]
            tbt = report["audits"]["total-blocking-time"]["numericValue"]
            rows.append((path, *scores, f"{tbt:.0f} ms"))
            escaped += [f"{path}: {url}" for url in off_loopback(report)]
            print(f"  measured {path}", file=sys.stderr, flush=True)
    header = ("page", "perf", "a11y", "best-pr.", "SEO", "TBT")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(
                str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=False))
            )
        )
    browser = report["environment"]["hostUserAgent"].split(")")[-1].strip()
    print(f"(Lighthouse {report['lighthouseVersion']}, mobile, {browser})")
    if escaped:
        print("requests off loopback:\n  " + "\n  ".join(escaped))
        return 1
    print("every request stayed on loopback")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
