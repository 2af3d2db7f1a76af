"""Put the self-hosted browser runtime into a built site: Pyodide, the wheels, the editor.

Run after `mkdocs build`: ``python -m playground.runtime_build --site-dir site``. Everything comes
from `browser-pins.toml`, and every file is checked against its sha256 before it is copied, so the
site never serves a byte that was not pinned. Downloads are cached (npm's cache for
`node_modules/`, `.cache/wheels/` for wheels, `.cache/compiled/` for bytecode): when nothing
changed, nothing is fetched or compiled again.

Layout written (all under ``<site>/runtime/``):

* ``pyodide-<version>/`` — the core runtime files from the npm package (the version in the path
  lets the server mark them immutable);
* ``compiled/<key>/`` — the standard library (bytecode only) and each pinned wheel (sources plus
  ``__pycache__``), compiled by the same Pyodide (see ``precompile.py``); ``<key>`` hashes the
  pinned input and the compiler, so the folder's content never changes under its name;
* ``packages.json`` — which imports each wheel provides and which wheels it needs, so the worker
  loads only what a snippet imports;
* ``editor.js`` — CodeMirror 6, bundled into one ES module;
* ``in_browser.py`` — the runner's Python half; ``client.py`` — ``playground.client`` for
  client snippets; ``recorded_output.py`` — the comparison rule, so the page checks a run against
  its ``#>`` lines exactly as the tests do;
* ``manifest.json`` — versions and file sizes, for the loading progress bar.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PINS_FILE = ROOT / "browser-pins.toml"
NODE_MODULES = ROOT / "node_modules"
WHEEL_CACHE = ROOT / ".cache" / "wheels"
EDITOR_ENTRY = ROOT / "frontend" / "editor-entry.js"
IN_BROWSER = Path(__file__).resolve().parent / "in_browser.py"
PRECOMPILE_PY = Path(__file__).resolve().parent / "precompile.py"
PRECOMPILE_JS = ROOT / "frontend" / "precompile.mjs"
COMPILE_CACHE = ROOT / ".cache" / "compiled"
STDLIB = "python_stdlib.zip"
CLIENT = Path(__file__).resolve().parent / "client.py"
RECORDED_OUTPUT = Path(__file__).resolve().parent / "recorded_output.py"

# What Pyodide 314 reports for environment markers in Requires-Dist.
PYODIDE_MARKER_ENV = {
    "python_version": "3.14", "python_full_version": "3.14.2", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "sys_platform": "emscripten",
    "platform_system": "Emscripten", "os_name": "posix", "platform_machine": "wasm32", "extra": "",
}


class PinMismatch(RuntimeError):
    """A file's content is not what browser-pins.toml says: never serve it."""


@dataclass(frozen=True)
class Pins:
    pyodide_version: str
    pyodide_files: dict[str, str]
    wheel_target: dict[str, str]
    wheels: dict[str, str]
    editor: dict[str, str]

    @classmethod
    def load(cls, path: Path = PINS_FILE) -> Pins:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        wheels = dict(data["wheels"])
        files = wheels.pop("files")
        return cls(
            pyodide_version=data["pyodide"]["version"], pyodide_files=data["pyodide"]["files"],
            wheel_target=wheels, wheels=files, editor=data["editor"],
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, expected: str) -> Path:
    if not path.is_file():
        raise PinMismatch(f"{path} is missing")
    actual = sha256_of(path)
    if actual != expected:
        raise PinMismatch(f"{path.name}: sha256 {actual}, but browser-pins.toml pins {expected}")
    return path


def pyodide_package_dir() -> Path:
    package = NODE_MODULES / "pyodide"
    if not (package / "package.json").is_file():
        raise SystemExit("node_modules/pyodide is missing: run `npm ci` (make does it for you)")
    return package


def fetch_wheels(pins: Pins, cache: Path = WHEEL_CACHE) -> dict[str, Path]:
    """Wheels from the cache; the missing ones downloaded by pip with hash checking."""
    cache.mkdir(parents=True, exist_ok=True)
    missing = [name for name, digest in pins.wheels.items()
               if not (cache / name).is_file() or sha256_of(cache / name) != digest]
    if missing:
        requirements = cache / "requirements.txt"
        requirements.write_text("".join(
            f"{_requirement_of(name)} --hash=sha256:{pins.wheels[name]}\n" for name in missing
        ))
        target = pins.wheel_target
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "--require-hashes",
             "--python-version", target["python_version"], "--implementation", "cp",
             "--abi", target["abi"], "--platform", target["platform"],
             "--dest", str(cache), "-r", str(requirements)],
            check=True,
        )
    return {name: verified(cache / name, digest) for name, digest in pins.wheels.items()}


def _requirement_of(wheel_name: str) -> str:
    distribution, version = wheel_name.split("-")[:2]
    return f"{distribution}=={version}"


def wheel_metadata(path: Path) -> tuple[str, list[str], list[str]]:
    """(distribution name, top-level import names, required distribution names) of a wheel."""
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(wheel.read(metadata_name).decode("utf-8"))
    tops = set()
    for name in names:
        first = name.split("/", 1)[0]
        if first.endswith((".dist-info", ".data")):
            continue
        if "/" in name or name.endswith(".py"):
            tops.add(first.removesuffix(".py"))
    requires = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(PYODIDE_MARKER_ENV):
            requires.append(canonicalize_name(requirement.name))
    return canonicalize_name(metadata["Name"]), sorted(tops), requires


def packages_index(wheels: dict[str, Path]) -> dict[str, dict[str, list[str]]]:
    """{wheel: {imports, depends}}; a requirement with no pinned wheel is an error, not a skip."""
    described = {name: wheel_metadata(path) for name, path in wheels.items()}
    by_distribution = {dist: name for name, (dist, _, _) in described.items()}
    index = {}
    for name, (_, imports, requires) in described.items():
        unpinned = [r for r in requires if r not in by_distribution]
        if unpinned:
            raise PinMismatch(f"{name} requires {unpinned}, which browser-pins.toml does not pin")
        index[name] = {"imports": imports, "depends": sorted(by_distribution[r] for r in requires)}
    return index


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
        subprocess.run(["node", str(PRECOMPILE_JS), str(pyodide_package_dir()), str(PRECOMPILE_PY), *arguments],
                       check=True, cwd=ROOT)
        for name in missing:  # renamed only when complete: an interrupted build leaves no half file
            Path(str(cache / wanted[name]) + ".partial").rename(cache / wanted[name])
    return {name: f"compiled/{rel}" for name, rel in wanted.items()}


def bundle_editor(destination: Path) -> None:
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    if not esbuild.exists():
        raise SystemExit("node_modules/.bin/esbuild is missing: run `npm ci`")
    subprocess.run(
        [str(esbuild), str(EDITOR_ENTRY), "--bundle", "--format=esm", "--minify",
         "--target=es2022", "--legal-comments=none", "--log-level=warning",
         f"--outfile={destination}"],
        check=True, cwd=ROOT,
    )


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
    shutil.copyfile(IN_BROWSER, runtime / "in_browser.py")
    shutil.copyfile(CLIENT, runtime / "client.py")
    shutil.copyfile(RECORDED_OUTPUT, runtime / "recorded_output.py")
    manifest = {
        "pyodide": pins.pyodide_version, "pyodide_dir": f"{pyodide_dir}/",
        "stdlib": compiled[STDLIB],
        "wheels": {name: rel for name, rel in compiled.items() if name != STDLIB},
        "sizes": sizes, "sources": sources,
    }
    (runtime / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return runtime


COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".wasm", ".py", ".txt"}


def compress_site(site_dir: Path, minimum: int = 1024) -> int:
    """Write a `.gz` beside every text or wasm file of the site (zips and wheels are compressed
    already), so the playground can send ~3x fewer bytes without compressing on each request.
    Deterministic (no timestamp in the header): the same input gives the same bytes."""
    written = 0
    for path in site_dir.rglob("*"):
        if path.suffix in COMPRESSIBLE and path.is_file() and path.stat().st_size >= minimum:
            data = path.read_bytes()
            packed = gzip.compress(data, compresslevel=9, mtime=0)
            if len(packed) < len(data) * 0.9:
                path.with_name(path.name + ".gz").write_bytes(packed)
                written += 1
    return written


def print_hashes(pins: Pins) -> None:
    package = pyodide_package_dir()
    for name in pins.pyodide_files:
        print(f'"{name}" = "{sha256_of(package / name)}"')
    for name in pins.wheels:
        path = WHEEL_CACHE / name
        print(f'"{name}" = "{sha256_of(path) if path.is_file() else "(not downloaded)"}"')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m playground.runtime_build", description=__doc__.split("\n")[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--print-hashes", action="store_true", help="print the sha256 of the files as they are now")
    args = parser.parse_args(argv)
    pins = Pins.load()
    if args.print_hashes:
        print_hashes(pins)
        return
    try:
        runtime = install(args.site_dir, pins)
    except PinMismatch as error:
        raise SystemExit(f"runtime_build: {error}") from error
    compress_site(args.site_dir)
    total = sum(p.stat().st_size for p in runtime.rglob("*") if p.is_file() and p.suffix != ".gz")
    print(f"runtime_build: {runtime} ({total / 1e6:.1f} MB, Pyodide {pins.pyodide_version})")


if __name__ == "__main__":
    main()
