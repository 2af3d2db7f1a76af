"""Bytecode for the browser, compiled at build time by the pinned Pyodide itself under Node
(`frontend/precompile.mjs` runs `precompile.py`), cached under a key of everything that decides
its bytes, so a rebuild with nothing changed compiles nothing."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from playground.runtime.pins import ROOT, STDLIB, Pins, pyodide_package_dir, sha256_of

PRECOMPILE_PY = Path(__file__).resolve().parent / "precompile.py"
PRECOMPILE_JS = ROOT / "frontend" / "precompile.mjs"
COMPILE_CACHE = ROOT / ".cache" / "compiled"


def compile_key(pins: Pins, input_digest: str) -> str:
    """Names a compiled artifact by everything that decides its bytes."""
    digest = hashlib.sha256()
    for part in (pins.pyodide_version, input_digest, sha256_of(PRECOMPILE_PY), sha256_of(PRECOMPILE_JS)):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def precompiled(pins: Pins, inputs: dict[str, tuple[Path, str]], cache: Path = COMPILE_CACHE) -> dict[str, str]:
    """{name: "compiled/<key>/<name>"} for verified inputs {name: (path, sha256)}, compiling what
    the cache lacks in one run of Pyodide under Node."""
    wanted = {name: f"{compile_key(pins, digest)}/{name}" for name, (_, digest) in inputs.items()}
    missing = [name for name, rel in wanted.items() if not (cache / rel).is_file()]
    if missing:
        arguments = []
        for name in missing:
            (cache / wanted[name]).parent.mkdir(parents=True, exist_ok=True)
            mode = "sourceless" if name == STDLIB else "cached"
            arguments += [mode, str(inputs[name][0]), str(cache / wanted[name]) + ".partial"]
        subprocess.run(
            ["node", str(PRECOMPILE_JS), str(pyodide_package_dir()), str(PRECOMPILE_PY), *arguments],
            check=True,
            cwd=ROOT,
        )
        for name in missing:  # renamed only when complete: an interrupted build leaves no half file
            Path(str(cache / wanted[name]) + ".partial").rename(cache / wanted[name])
    return {name: f"compiled/{rel}" for name, rel in wanted.items()}
