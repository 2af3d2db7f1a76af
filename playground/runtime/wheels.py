"""The pinned PyPI wheels for Pyodide: downloaded once by pip with hash checking, and indexed by
the imports they provide, so the worker loads only the wheels a snippet imports."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from playground.runtime.pins import ROOT, PinMismatch, Pins, sha256_of, verified

WHEEL_CACHE = ROOT / ".cache" / "wheels"

# What Pyodide 314 reports for environment markers in Requires-Dist.
PYODIDE_MARKER_ENV = {
    "python_version": "3.14",
    "python_full_version": "3.14.2",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "os_name": "posix",
    "platform_machine": "wasm32",
    "extra": "",
}


def fetch_wheels(pins: Pins, cache: Path = WHEEL_CACHE) -> dict[str, Path]:
    """Wheels from the cache; the missing ones downloaded by pip with hash checking."""
    cache.mkdir(parents=True, exist_ok=True)
    missing = [
        name
        for name, digest in pins.wheels.items()
        if not (cache / name).is_file() or sha256_of(cache / name) != digest
    ]
    if missing:
        requirements = cache / "requirements.txt"
        requirements.write_text(
            "".join(f"{_requirement_of(name)} --hash=sha256:{pins.wheels[name]}\n" for name in missing)
        )
        target = pins.wheel_target
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--require-hashes",
                "--python-version",
                target["python_version"],
                "--implementation",
                "cp",
                "--abi",
                target["abi"],
                "--platform",
                target["platform"],
                "--dest",
                str(cache),
                "-r",
                str(requirements),
            ],
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
    requires: list[str] = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(PYODIDE_MARKER_ENV):
            requires.append(str(canonicalize_name(requirement.name)))
    return str(canonicalize_name(metadata["Name"])), sorted(tops), requires


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
