"""Where the project's files are: a checkout, or — after `pip install .` — the current directory.

From a checkout, the package sits next to `pyproject.toml`, `site/`, `snippets/` and
`browser-pins.toml`, and defaults point there whatever the working directory. An installed
package lives in site-packages, with no checkout around it: the defaults are then looked up in
the current directory (run the command from the project's directory, or pass the paths).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parents[1]


def in_checkout() -> bool:
    """True when this package is the one in a checkout (its parent holds pyproject.toml)."""
    return (_PACKAGE_PARENT / "pyproject.toml").is_file() and (_PACKAGE_PARENT / "playground").is_dir()


def project_dir() -> Path:
    """The checkout's root, or the current directory for an installed package."""
    return _PACKAGE_PARENT if in_checkout() else Path.cwd()


def described() -> str:
    """Where the defaults point, in a sentence for --help."""
    if in_checkout():
        return f"Default paths are in the checkout at {_PACKAGE_PARENT}."
    return "Installed without a checkout: default paths are relative to the current directory."
