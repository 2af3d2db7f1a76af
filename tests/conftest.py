"""Shared fixtures: a built site (once per run), a real playground on a free loopback port, and
Debian's Chromium (one per test module)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser import launch
from tests.live_server import LiveServer, run_playground
from tests.paths import BIN, PYTHON, ROOT
from tests.ports import free_port

__all__ = ["free_port"]  # still importable from here, for tests written before tests/ports.py


def build_site(destination: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(BIN)},
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make site` builds it, pages and runtime, in a folder of this test run."""
    destination = tmp_path_factory.mktemp("site")
    result = build_site(destination)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    runtime = subprocess.run(
        [PYTHON, "-m", "playground.runtime", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert runtime.returncode == 0, f"python -m playground.runtime failed:\n{runtime.stdout}\n{runtime.stderr}"
    return destination


@pytest.fixture(scope="session")
def live_playground(built_site: Path) -> Iterator[LiveServer]:
    with run_playground(port=free_port(), site_dir=built_site) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per test module (tests/browser.py says why never a downloaded one)."""
    with launch() as chromium:
        yield chromium


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
