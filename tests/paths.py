"""Where things are, for every test module."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# The snippet suite can be pointed at another tree: the meta-test that proves a wrong recorded
# output fails the suite runs it against a broken copy.
SNIPPETS = Path(os.environ.get("PLAYGROUND_SNIPPETS_DIR", ROOT / "snippets"))
PYTHON = sys.executable
BIN = Path(sys.executable).parent
