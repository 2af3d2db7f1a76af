"""The in-page editor: CodeMirror 6 from the pinned npm packages, bundled by esbuild into one ES
module, so the page imports one file and nothing from another host."""

from __future__ import annotations

from pathlib import Path

from playground.runtime.esbuild import run_esbuild
from playground.runtime.pins import ROOT

EDITOR_ENTRY = ROOT / "frontend" / "editor-entry.js"


def bundle_editor(destination: Path) -> None:
    run_esbuild(
        [
            str(EDITOR_ENTRY),
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2022",
            "--legal-comments=none",
            "--log-level=warning",
            f"--outfile={destination}",
        ],
        cwd=ROOT,
    )
