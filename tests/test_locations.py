"""Default paths: the checkout's from a checkout; the current directory once installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from playground import locations
from playground.server.settings import Settings, build_parser
from tests.paths import PYTHON, ROOT


def test_a_checkout_points_at_itself() -> None:
    assert locations.in_checkout()
    assert locations.project_dir() == ROOT
    assert Settings().site_dir == ROOT / "site" and Settings().snippets_dir == ROOT / "snippets"
    assert f"Default paths are in the checkout at {ROOT}." in " ".join(build_parser().format_help().split())


@pytest.mark.slow
def test_an_installed_package_looks_in_the_current_directory(tmp_path: Path) -> None:
    """The package alone, as `pip install .` leaves it in site-packages: no pyproject.toml around."""
    installed = tmp_path / "site-packages"
    shutil.copytree(ROOT / "playground", installed / "playground", ignore=shutil.ignore_patterns("__pycache__"))
    workdir = tmp_path / "somewhere"
    workdir.mkdir()
    probe = (
        "from playground.server.settings import Settings, build_parser\n"
        "import playground\n"
        "print(playground.__file__)\n"
        "print(Settings().site_dir)\n"
        "print(' '.join(build_parser().format_help().split()))\n"
    )
    result = subprocess.run(
        [PYTHON, "-c", probe],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(installed)},
    )
    assert result.returncode == 0, result.stderr
    package_file, site_dir, help_text = result.stdout.splitlines()
    assert package_file == str(installed / "playground" / "__init__.py")
    assert site_dir == str(workdir / "site")
    assert "Installed without a checkout: default paths are relative to the current directory." in help_text
