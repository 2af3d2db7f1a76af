"""The site builds strictly with MkDocs and with Zensical, and loads nothing from elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from playground.snippets.catalog import discover
from tests.paths import BIN, ROOT, SNIPPETS
from tests.site_pages import SITE_INPUT_DIRS, SITE_INPUTS, built_file, fresh_site, nav_pages


class ResourceCollector(HTMLParser):
    """Collects every URL a page would *load* (scripts, styles, images, frames) — not links."""

    LOADING = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "audio": "src",
        "video": "src",
        "embed": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.LOADING and values.get(self.LOADING[tag]):
            self.loaded.append(values[self.LOADING[tag]] or "")
        loads = {"stylesheet", "preload", "modulepreload", "icon", "manifest"}
        if tag == "link" and (values.get("rel") or "") in loads:
            self.loaded.append(values.get("href") or "")


def external_loads(site: Path) -> list[str]:
    found = []
    for page in site.rglob("*.html"):
        collector = ResourceCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(site)}: {url}" for url in collector.loaded if re.match(r"^(https?:)?//", url)]
    return found


def check_built_site(site: Path) -> None:
    for page in map(built_file, nav_pages()):
        assert (site / page).is_file(), f"{page} missing from the build"
    html = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    for snippet in discover(SNIPPETS):
        # The block title carries the path; the include put the source in the page.
        assert snippet.relative in html, f"{snippet.relative} is not on any built page"
    first_line = discover(SNIPPETS)[0].source().splitlines()[0]
    assert first_line.split()[-1] in html
    assert not external_loads(site), external_loads(site)


def test_mkdocs_build_strict(built_site: Path) -> None:
    check_built_site(built_site)
    assert "fonts.googleapis" not in (built_site / "index.html").read_text()


def test_a_site_older_than_any_input_is_built_again(tmp_path: Path) -> None:
    """The test run reuses `make site`'s site/ only when nothing it is built from changed since."""
    for name in SITE_INPUTS:
        (tmp_path / name).write_text("x")
    for folder in SITE_INPUT_DIRS:
        (tmp_path / folder / "sub").mkdir(parents=True)
    page = tmp_path / "docs" / "sub" / "page.md"
    page.write_text("x")
    assert fresh_site(tmp_path) is None  # never built
    (tmp_path / "site").mkdir()
    stamp = tmp_path / "site" / ".built"
    stamp.touch()
    os.utime(stamp, (2_000_000_000, 2_000_000_000))
    assert fresh_site(tmp_path) == tmp_path / "site"
    os.utime(page, (2_000_000_001, 2_000_000_001))  # a page edited after the build
    assert fresh_site(tmp_path) is None
    os.utime(page, (1_000_000_000, 1_000_000_000))
    os.utime(tmp_path / "requirements.txt", (2_000_000_001, 2_000_000_001))  # a new lock
    assert fresh_site(tmp_path) is None


@pytest.mark.slow
def test_zensical_builds_the_same_config(tmp_path: Path) -> None:
    # Zensical writes inside its project folder: build a copy so the work tree stays clean.
    for name in ("docs", "snippets", "exercises"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    result = subprocess.run(
        [str(BIN / "zensical"), "build", "--strict"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"zensical build failed:\n{result.stdout}\n{result.stderr}"
    check_built_site(tmp_path / "site")


def test_the_external_load_check_sees_a_cdn_script(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="//fonts.googleapis.com/css">'
        '<script src="https://cdn.jsdelivr.net/x.js"></script><a href="https://example.org">ok</a>'
    )
    assert len(external_loads(tmp_path)) == 2
