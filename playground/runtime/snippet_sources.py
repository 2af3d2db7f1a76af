"""Copy every snippet file into the built site (``snippets-src/<topic>/<name>.py``), so each
runnable block can link to the file it shows, byte for byte, on any static host and offline.

The site has no hosted repository to link to; the copy is the file the tests run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from playground.runtime.pins import ROOT

SNIPPETS = ROOT / "snippets"
FOLDER = "snippets-src"


def copy_snippet_sources(site_dir: Path, snippets: Path = SNIPPETS) -> list[str]:
    """Replace ``site_dir/snippets-src`` with the snippet files; return their relative paths."""
    target = site_dir / FOLDER
    if target.exists():
        shutil.rmtree(target)
    copied = []
    for source in sorted(snippets.rglob("*.py")):
        if "__pycache__" in source.parts:
            continue
        relative = source.relative_to(snippets)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / relative)
        copied.append(relative.as_posix())
    return copied
