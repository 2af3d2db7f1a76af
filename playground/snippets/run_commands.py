"""The "Run it yourself" commands under terminal, server and client blocks, from one place.

A page puts a ``bash`` block, in a collapsed ``??? note "Run it yourself"``, right after each
block that does not run in the page (or that needs the playground). The block includes ``snippets/run/install.txt`` —
a fresh virtual environment and one ``pip install`` with the versions the site was checked with
— and adds the one command for its file. The versions are read from the hashed lock
(``requirements.txt``), so a dependency bump that forgets the pages fails
``tests/test_run_it_yourself.py`` instead of teaching an old version.

    python -m playground.snippets.run_commands   # rewrite snippets/run/install.txt
"""

from __future__ import annotations

import re
import sys

from playground.locations import project_dir

# What a copied snippet imports, besides the standard library: the lock's pins of these.
PACKAGES = ("fastapi", "starlette", "pydantic", "anyio", "uvicorn", "websockets", "httpx", "requests")
INSTALL_FILE = project_dir() / "snippets" / "run" / "install.txt"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>[^\s;\\]+)", re.M)


def pinned(requirements: str, packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Each package's version in the lock; an error names a package the lock does not pin."""
    found = {match["name"].lower(): match["version"] for match in PIN.finditer(requirements)}
    missing = [name for name in packages if name not in found]
    if missing:
        raise LookupError(f"requirements.txt pins no version of {', '.join(missing)}")
    return {name: found[name] for name in packages}


def install_text(requirements: str) -> str:
    """The lines every "Run it yourself" block starts with."""
    pins = [f"{name}=={version}" for name, version in pinned(requirements).items()]
    fresh = "python3 -m venv .venv && . .venv/bin/activate   # Python 3.11+, a fresh environment"
    half = (len(pins) + 1) // 2  # two lines: the command fits the page's code column at 1280 px
    return f"{fresh}\npip install {' '.join(pins[:half])} \\\n    {' '.join(pins[half:])}\n"


def main() -> int:
    text = install_text((project_dir() / "requirements.txt").read_text(encoding="utf-8"))
    INSTALL_FILE.parent.mkdir(parents=True, exist_ok=True)
    INSTALL_FILE.write_text(text, encoding="utf-8")
    print(f"{INSTALL_FILE.relative_to(project_dir())}: {text.splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
