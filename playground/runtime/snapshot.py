"""A memory snapshot of the browser's interpreter, made at build time under Node
(``frontend/snapshot.mjs``) from the very files the site serves: a page restores Python with
asyncio and the runner's modules already imported, instead of importing them on its first Run.

The snapshot is verified, not reproducible: ``snapshot.mjs`` loads it back and runs a program
before it is written, and its sha256 goes into ``runtime/manifest.json``. With a fixed hash seed
two builds still differ in ~2.7 kB of 31 MB — random state seeded from the machine's entropy when
the interpreter starts — so the hash identifies one build's snapshot, not the inputs. A page
whose snapshot fails to load starts Python the ordinary way (``worker.js``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from playground.runtime.pins import ROOT

SNAPSHOT_JS = ROOT / "frontend" / "snapshot.mjs"
NAME = "core.snap"


def add_snapshot(runtime: Path) -> dict[str, str | int]:
    """Make the snapshot of ``runtime`` (a built ``site/runtime``), serve it under a folder named
    by its hash, and record it in the manifest: ``{"file", "sha256", "bytes"}``."""
    staging = runtime / NAME
    subprocess.run(["node", str(SNAPSHOT_JS), str(runtime), str(staging)], check=True, capture_output=True, text=True)
    digest = hashlib.sha256(staging.read_bytes()).hexdigest()
    relative = f"snapshot/{digest[:16]}/{NAME}"
    (runtime / relative).parent.mkdir(parents=True)
    staging.rename(runtime / relative)
    entry: dict[str, str | int] = {"file": relative, "sha256": digest, "bytes": (runtime / relative).stat().st_size}
    manifest_path = runtime / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["snapshot"] = entry
    manifest["sizes"][relative] = entry["bytes"]
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return entry
