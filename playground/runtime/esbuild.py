"""esbuild, the pinned bundler in node_modules, run for the editor and for the site's own scripts."""

from __future__ import annotations

import subprocess
from pathlib import Path

from playground.runtime.pins import NODE_MODULES


def run_esbuild(arguments: list[str], cwd: Path) -> None:
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    if not esbuild.exists():
        raise SystemExit("node_modules/.bin/esbuild is missing: run `npm ci`")
    subprocess.run([str(esbuild), *arguments], check=True, cwd=cwd)
