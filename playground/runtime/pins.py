"""`browser-pins.toml`, read and enforced: every byte that reaches the browser is pinned there
with its sha256, and a file that does not match is never served."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from playground.locations import project_dir

ROOT = project_dir()  # the runtime is built from a checkout (or the current directory)
PINS_FILE = ROOT / "browser-pins.toml"
NODE_MODULES = ROOT / "node_modules"
STDLIB = "python_stdlib.zip"


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
            pyodide_version=data["pyodide"]["version"],
            pyodide_files=data["pyodide"]["files"],
            wheel_target=wheels,
            wheels=files,
            editor=data["editor"],
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
