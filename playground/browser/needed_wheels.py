"""Which of the shipped wheels a snippet needs, read from its imports before it runs: the worker
loads those (and their dependencies) first, so a page loads only what its blocks import."""

from __future__ import annotations

import ast
import json


def wheels_for(source: str, packages_json: str, loaded: list[str]) -> list[str]:
    """Wheel files to load before running ``source``: what its imports need, with their
    dependencies, minus those already loaded. ``packages_json`` is the build's
    ``runtime/packages.json``: {wheel file: {"imports": [...], "depends": [wheel files]}}."""
    packages: dict[str, dict[str, list[str]]] = json.loads(packages_json)
    by_import = {name: wheel for wheel, info in packages.items() for name in info["imports"]}
    wanted = [by_import[name] for name in imported_top_levels(source) if name in by_import]
    needed: list[str] = []
    while wanted:
        wheel = wanted.pop()
        if wheel in needed or wheel in loaded:
            continue
        needed.append(wheel)
        wanted.extend(packages[wheel]["depends"])
    return sorted(needed)


def shipped_imports(source: str, packages_json: str) -> list[str]:
    """The top-level modules ``source`` imports that a shipped wheel provides (``fastapi``, not
    ``asyncio`` or the snippet's own helpers): what the worker imports ahead of a Run when the
    reader points at a block, so the run does not pay for them."""
    packages: dict[str, dict[str, list[str]]] = json.loads(packages_json)
    provided = {name for info in packages.values() for name in info["imports"]}
    return [name for name in imported_top_levels(source) if name in provided]


def imported_top_levels(source: str) -> list[str]:
    """The top-level packages ``source`` imports (``fastapi`` for ``from fastapi.x import y``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the run reports the syntax error itself
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return sorted(names)
