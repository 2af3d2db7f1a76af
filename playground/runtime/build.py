"""Put the self-hosted browser runtime into a built site: Pyodide, the wheels, the editor.

Run after `mkdocs build`: ``python -m playground.runtime --site-dir site``. Everything comes from
`browser-pins.toml`, and every file is checked against its sha256 before it is copied, so the
site never serves a byte that was not pinned. Downloads are cached (npm's cache for
`node_modules/`, `.cache/wheels/` for wheels, `.cache/compiled/` for bytecode): when nothing
changed, nothing is fetched or compiled again.

Layout written (all under ``<site>/runtime/``):

* ``pyodide-<version>/`` — the core runtime files from the npm package (the version in the path
  lets the server mark them immutable);
* ``compiled/<key>/`` — the standard library (bytecode only) and each pinned wheel (sources plus
  ``__pycache__``), compiled by the same Pyodide (see ``bytecode.py``);
* ``packages.json`` — which imports each wheel provides and which wheels it needs;
* ``editor.js`` — CodeMirror 6, bundled into one ES module;
* ``browser/`` — the Python that runs in the worker, as in ``playground/browser/``;
* ``manifest.json`` — versions and file sizes, for the loading progress bar.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from playground.runtime.bytecode import COMPILE_CACHE, precompiled
from playground.runtime.editor import bundle_editor
from playground.runtime.pins import STDLIB, Pins, pyodide_package_dir, verified
from playground.runtime.wheels import fetch_wheels, packages_index

BROWSER_PYTHON = Path(__file__).resolve().parents[1] / "browser"


def install(site_dir: Path, pins: Pins | None = None) -> Path:
    """Write the runtime into ``site_dir/runtime`` and return that folder."""
    pins = pins or Pins.load()
    if not (site_dir / "index.html").is_file():
        raise SystemExit(f"{site_dir} holds no built site: run `mkdocs build` first")
    runtime = site_dir / "runtime"
    if runtime.exists():
        shutil.rmtree(runtime)
    pyodide_dir = f"pyodide-{pins.pyodide_version}"
    (runtime / pyodide_dir).mkdir(parents=True)

    package = pyodide_package_dir()
    sizes: dict[str, int] = {}
    sources: dict[str, str] = {}  # served file -> sha256 of the pinned file it was made from
    for name, digest in pins.pyodide_files.items():
        pinned = verified(package / name, digest)
        if name == STDLIB:
            continue  # served compiled, below
        shutil.copyfile(pinned, runtime / pyodide_dir / name)
        sizes[f"{pyodide_dir}/{name}"] = pinned.stat().st_size
        sources[f"{pyodide_dir}/{name}"] = digest

    wheels = fetch_wheels(pins)
    inputs = {STDLIB: (package / STDLIB, pins.pyodide_files[STDLIB])}
    inputs |= {name: (path, pins.wheels[name]) for name, path in wheels.items()}
    compiled = precompiled(pins, inputs)
    for name, rel in compiled.items():
        (runtime / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(COMPILE_CACHE / rel.removeprefix("compiled/"), runtime / rel)
        sizes[rel] = (runtime / rel).stat().st_size
        sources[rel] = inputs[name][1]
    (runtime / "packages.json").write_text(json.dumps(packages_index(wheels), indent=1))

    bundle_editor(runtime / "editor.js")
    browser_files = sorted(p.name for p in BROWSER_PYTHON.glob("*.py") if p.name != "__init__.py")
    (runtime / "browser").mkdir()
    for name in browser_files:
        shutil.copyfile(BROWSER_PYTHON / name, runtime / "browser" / name)
    manifest = {
        "pyodide": pins.pyodide_version,
        "pyodide_dir": f"{pyodide_dir}/",
        "stdlib": compiled[STDLIB],
        "wheels": {name: rel for name, rel in compiled.items() if name != STDLIB},
        "browser": browser_files,
        "sizes": sizes,
        "sources": sources,
    }
    (runtime / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return runtime
