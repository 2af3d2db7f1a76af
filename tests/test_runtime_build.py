"""The self-hosted runtime: pinned in one place, every file checked, nothing else served."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from playground.runtime import wheels as runtime_wheels
from playground.runtime.pins import STDLIB, PinMismatch, Pins, sha256_of, verified
from playground.runtime.scripts import SOURCES, bundle_scripts
from tests.page_runs import RUNNER_FILES
from tests.paths import ROOT


def test_package_json_and_lock_agree_with_the_pins() -> None:
    pins = Pins.load()
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    expected = {"pyodide": pins.pyodide_version, **pins.editor}
    # What the site ships sits in dependencies; build tools (esbuild among them) in devDependencies.
    declared = {**package["dependencies"], **package["devDependencies"]}
    assert {name: declared.get(name) for name in expected} == expected, (
        "package.json and browser-pins.toml name different versions"
    )
    assert set(package["dependencies"]) <= set(expected), "a shipped package that browser-pins.toml does not pin"
    for name, version in expected.items():
        assert lock[f"node_modules/{name}"]["version"] == version
        assert lock[f"node_modules/{name}"]["integrity"].startswith("sha512-")


def test_lockfile_names_no_registry_address() -> None:
    assert '"resolved"' not in (ROOT / "package-lock.json").read_text()


def test_every_wheel_targets_pyodide_314() -> None:
    pins = Pins.load()
    for name in pins.wheels:
        tags = name.removesuffix(".whl").split("-")[-3:]
        assert tags in (["py3", "none", "any"], ["cp314", "cp314", pins.wheel_target["platform"]]), name


def test_a_file_that_differs_from_its_pin_is_refused(tmp_path: Path) -> None:
    sample = tmp_path / "pyodide.asm.wasm"
    sample.write_bytes(b"not the pinned runtime")
    with pytest.raises(PinMismatch, match="pins"):
        verified(sample, "0" * 64)
    assert verified(sample, hashlib.sha256(b"not the pinned runtime").hexdigest()) == sample
    with pytest.raises(PinMismatch, match="missing"):
        verified(tmp_path / "absent.whl", "0" * 64)


def test_installed_runtime_matches_the_pins(built_site: Path) -> None:
    pins = Pins.load()
    runtime = built_site / "runtime"
    manifest = json.loads((runtime / "manifest.json").read_text())
    core = runtime / f"pyodide-{pins.pyodide_version}"
    for name, digest in pins.pyodide_files.items():
        if name != STDLIB:
            assert sha256_of(core / name) == digest
    # Every compiled file is made from a pinned one, and says which.
    pinned = {*pins.pyodide_files.values(), *pins.wheels.values()}
    assert set(manifest["wheels"]) == set(pins.wheels)
    for path in [manifest["stdlib"], *manifest["wheels"].values()]:
        assert manifest["sources"][path] in pinned
    files = {p.relative_to(runtime).as_posix() for p in runtime.rglob("*") if p.is_file()}
    twins = {name for name in files if name.endswith(".gz")}
    for twin in twins:  # a .gz twin holds exactly its file, compressed
        assert gzip.decompress((runtime / twin).read_bytes()) == (runtime / twin.removesuffix(".gz")).read_bytes()
    served = files - twins
    browser = {f"browser/{name}" for name in manifest["browser"]}
    # The memory snapshot is made from those files at build time, loaded back and run before it
    # is written (frontend/snapshot.mjs); the manifest pins the one this build made.
    snapshot = manifest["snapshot"]
    assert sha256_of(runtime / snapshot["file"]) == snapshot["sha256"]
    expected = set(manifest["sources"]) | {"manifest.json", "editor.js", "packages.json", snapshot["file"]} | browser
    assert served == expected, "the runtime holds a file that is not pinned"
    assert {*RUNNER_FILES, "loop_trace.py", "recorded_output.py"} <= set(manifest["browser"])
    for name in manifest["browser"]:  # the worker's Python is shipped exactly as it is in the repository
        assert (runtime / "browser" / name).read_text() == (ROOT / "playground" / "browser" / name).read_text()


def test_compiled_archives_hold_bytecode(built_site: Path) -> None:
    manifest = json.loads((built_site / "runtime" / "manifest.json").read_text())
    with zipfile.ZipFile(built_site / "runtime" / manifest["stdlib"]) as archive:
        names = set(archive.namelist())
    assert "asyncio/base_events.pyc" in names and "asyncio/base_events.py" not in names
    wheel = next(p for n, p in manifest["wheels"].items() if n.startswith("anyio-"))
    with zipfile.ZipFile(built_site / "runtime" / wheel) as archive:
        names = set(archive.namelist())
    # anyio reads its own __init__.py: wheels keep sources beside their bytecode.
    assert {"anyio/__init__.py", "anyio/__pycache__/__init__.cpython-314.pyc"} <= names


def test_precompile_makes_unchecked_pyc_that_import(tmp_path: Path) -> None:
    """The same transform under CPython: each module becomes a pyc that imports from the zip."""
    import subprocess
    import sys

    from playground.runtime.precompile import precompile_archive

    source = tmp_path / "lib.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("pkg/__init__.py", "VALUE = 41 + 1\n")
        archive.writestr("pkg/broken.py", "def (:\n")  # kept as source, not a build failure
        archive.writestr("pkg/data.txt", "not python")
    target = tmp_path / "compiled.zip"
    assert precompile_archive(str(source), str(target)) == (1, 1)
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["pkg/__init__.pyc", "pkg/broken.py", "pkg/data.txt"]
    cached = tmp_path / "cached.zip"
    assert precompile_archive(str(source), str(cached), mode="cached") == (1, 1)
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(cached) as archive:
        assert f"pkg/__pycache__/__init__.{tag}.pyc" in archive.namelist() and "pkg/__init__.py" in archive.namelist()
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(target)!r}); "
            "import pkg; print(pkg.VALUE, pkg.__file__.endswith('.pyc'))",
        ],
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip() == "42 True", check.stderr


def test_a_dependency_without_a_pin_is_an_error(tmp_path: Path, built_site: Path) -> None:
    wheels = runtime_wheels.fetch_wheels(Pins.load())
    without_anyio = {n: p for n, p in wheels.items() if not n.startswith("anyio-")}
    with pytest.raises(PinMismatch, match="anyio"):
        runtime_wheels.packages_index(without_anyio)


def test_cached_wheels_are_not_downloaded_again(
    tmp_path: Path, built_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "wheels"
    shutil.copytree(runtime_wheels.WHEEL_CACHE, cache)

    def no_download(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("pip was called although every wheel was cached")

    monkeypatch.setattr("subprocess.run", no_download)
    assert set(runtime_wheels.fetch_wheels(Pins.load(), cache)) == set(Pins.load().wheels)


def test_the_site_modules_are_bundled_into_the_site_and_nowhere_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bundle_scripts` with a relative site folder, as `make site` passes it: the bundles land in
    that folder (esbuild runs in the modules' own folder, where a relative path wrote them into
    docs/ in the first version), and each entry holds every module it imports."""
    monkeypatch.chdir(tmp_path)
    sources_before = sorted(p.relative_to(SOURCES) for p in SOURCES.rglob("*"))
    written = bundle_scripts(Path("site"))
    assert sorted(p.relative_to(SOURCES) for p in SOURCES.rglob("*")) == sources_before
    out = tmp_path / "site" / "assets" / "javascripts"
    assert all(path.is_relative_to(out) and path.is_file() for path in written), written
    runner = (out / "runner" / "main.js").read_text()
    for name in ("runner/runnable-block.js", "runner/loop-picture.js", "exercises/exercise.js"):
        assert f"\n// {name}\n" in runner, f"{name} is not inside the runner's bundle"
    assert "\n// runner/protocol.js\n" in (out / "runner" / "worker.js").read_text()
