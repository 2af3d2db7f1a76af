"""The self-hosted runtime: pinned in one place, every file checked, nothing else served."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from playground import runtime_build
from playground.runtime_build import PinMismatch, Pins, verified
from tests.paths import ROOT


def test_package_json_and_lock_agree_with_the_pins() -> None:
    pins = Pins.load()
    package = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    expected = {"pyodide": pins.pyodide_version, **pins.editor}
    assert package == expected, "package.json and browser-pins.toml name different versions"
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
    for name, digest in pins.pyodide_files.items():
        assert runtime_build.sha256_of(runtime / f"pyodide-{pins.pyodide_version}" / name) == digest
    for name, digest in pins.wheels.items():
        assert runtime_build.sha256_of(runtime / "wheels" / name) == digest
    served = {p.relative_to(runtime).as_posix() for p in runtime.rglob("*") if p.is_file()}
    expected = set(manifest["sha256"]) | {"manifest.json", "editor.js", "in_browser.py", "client.py", "wheels/packages.json"}
    assert served == expected, "the runtime holds a file that is not pinned"
    assert (runtime / "in_browser.py").read_text() == (ROOT / "playground" / "in_browser.py").read_text()


def test_packages_index_lists_imports_and_closes_over_dependencies(built_site: Path) -> None:
    index = json.loads((built_site / "runtime" / "wheels" / "packages.json").read_text())
    fastapi = next(name for name in index if name.startswith("fastapi-"))
    assert index[fastapi]["imports"] == ["fastapi"]
    for info in index.values():
        assert set(info["depends"]) <= set(index)


def test_a_dependency_without_a_pin_is_an_error(tmp_path: Path, built_site: Path) -> None:
    wheels = {p.name: p for p in (built_site / "runtime" / "wheels").glob("*.whl")}
    without_anyio = {n: p for n, p in wheels.items() if not n.startswith("anyio-")}
    with pytest.raises(PinMismatch, match="anyio"):
        runtime_build.packages_index(without_anyio)


def test_cached_wheels_are_not_downloaded_again(tmp_path: Path, built_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "wheels"
    shutil.copytree(built_site / "runtime" / "wheels", cache)

    def no_download(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("pip was called although every wheel was cached")

    monkeypatch.setattr(runtime_build.subprocess, "run", no_download)
    assert set(runtime_build.fetch_wheels(Pins.load(), cache)) == set(Pins.load().wheels)
