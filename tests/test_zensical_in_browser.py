"""The site built by Zensical (MkDocs Material's successor, what FastAPI's docs build with), in
Debian's Chromium: the runner mounts, a block runs to its check mark, Show the loop draws, instant
navigation mounts the next page's blocks, the playground widgets connect, and nothing is asked of
any other host (the `guarded` fixture checks every context). MkDocs builds the default site; this
proves the same sources work when Zensical builds them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import Guarded, block_for, run_block
from tests.live_server import LiveServer, run_playground
from tests.paths import BIN, PYTHON, ROOT
from tests.ports import free_port


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`zensical build --strict` of a copy of the sources (it writes inside its project folder),
    then the same runtime `make site` adds."""
    project = tmp_path_factory.mktemp("zensical")
    for name in ("docs", "snippets", "exercises"):  # the pages include from all three
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    build = subprocess.run(
        [str(BIN / "zensical"), "build", "--strict"], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, f"zensical build failed:\n{build.stdout}\n{build.stderr}"
    site = project / "site"
    runtime = subprocess.run(
        [PYTHON, "-m", "playground.runtime", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert runtime.returncode == 0, f"python -m playground.runtime failed:\n{runtime.stdout}\n{runtime.stderr}"
    return site


@pytest.fixture(scope="module")
def zensical_playground(zensical_site: Path) -> Iterator[LiveServer]:
    with run_playground(free_port(), zensical_site) as server:
        yield server


def open_zensical_page(guarded: Guarded, server: LiveServer, path: str) -> tuple[Page, list[str]]:
    guard = guarded(server.base_url)
    page = guard.new_page()
    page.goto(server.base_url + path)
    return page, guard.console_errors


def test_a_block_runs_to_its_check_mark_and_shows_the_loop(guarded: Guarded, zensical_playground: LiveServer) -> None:
    page, console_errors = open_zensical_page(guarded, zensical_playground, "/terminology/")
    page.wait_for_function("crossOriginIsolated === true")
    # An untimed snippet: this test runs in the parallel phase, where a timed one's durations can
    # stretch past their tolerance (CI saw gather_runs_concurrently print 0.5 s for 0.3 s here).
    block = block_for(page, "terminology/taskgroup_fails_together.py")  # the runner mounted it
    toggle = block.get_by_role("button", name="Show the loop")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    state = run_block(page, block)
    assert state == "ok", block.locator(".runner__output").inner_text()
    expect(block).to_have_attribute("data-runner-verdict", "match")  # the ✓: output as recorded
    loop = block.locator(".loop")
    expect(loop).to_have_attribute("data-loop-state", "done")
    assert loop.locator(".loop__table tbody tr").count() > 0, "the loop's picture has no events"

    # Instant navigation (no reload): the next page's blocks mount too.
    page.evaluate("window.__marker = 'still here'")
    page.get_by_role("link", name="Async I/O", exact=True).first.click()
    page.wait_for_url("**/async-io/")
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"
    next_block = block_for(page, "async_io/blocking_call_stalls_loop.py")
    expect(next_block.get_by_role("button", name="Run", exact=True)).to_be_enabled()
    assert console_errors == [], console_errors


def test_the_playground_widgets_connect(guarded: Guarded, zensical_playground: LiveServer) -> None:
    page, console_errors = open_zensical_page(guarded, zensical_playground, "/playground/")
    widget = page.locator('[data-widget="ws-client"]')
    widget.get_by_role("button", name="Connect", exact=True).click()
    expect(widget).to_have_attribute("data-state", "open")
    widget.get_by_label("Message", exact=True).fill("hello")
    widget.get_by_role("button", name="Send", exact=True).click()
    expect(widget.get_by_role("log")).to_contain_text("← hello (")
    assert console_errors == [], console_errors
