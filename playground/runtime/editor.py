"""The in-page editor: CodeMirror 6 from the pinned npm packages, bundled by esbuild into one ES
module, so the page imports one file and nothing from another host."""

from __future__ import annotations

import subprocess
from pathlib import Path

from playground.runtime.pins import NODE_MODULES, ROOT

EDITOR_ENTRY = ROOT / "frontend" / "editor-entry.js"


def bundle_editor(destination: Path) -> None:
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    if not esbuild.exists():
        raise SystemExit("node_modules/.bin/esbuild is missing: run `npm ci`")
    subprocess.run(
        [
            str(esbuild),
            str(EDITOR_ENTRY),
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2022",
            "--legal-comments=none",
            "--log-level=warning",
            f"--outfile={destination}",
        ],
        check=True,
        cwd=ROOT,
    )
