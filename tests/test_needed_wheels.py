"""needed_wheels.py: the wheels a snippet's imports need."""

from __future__ import annotations

import json

from playground.browser import needed_wheels


def test_wheels_for_follows_dependencies() -> None:
    packages = {
        "a.whl": {"imports": ["alpha"], "depends": ["b.whl"]},
        "b.whl": {"imports": ["beta"], "depends": ["c.whl"]},
        "c.whl": {"imports": ["gamma"], "depends": []},
        "d.whl": {"imports": ["delta"], "depends": []},
    }
    source = "import alpha.sub\nfrom json import dumps\nimport asyncio\n"
    assert needed_wheels.wheels_for(source, json.dumps(packages), []) == ["a.whl", "b.whl", "c.whl"]
    assert needed_wheels.wheels_for(source, json.dumps(packages), ["b.whl"]) == ["a.whl"]
    assert needed_wheels.wheels_for("this is not python", json.dumps(packages), []) == []


def test_shipped_imports_are_the_imports_a_wheel_provides() -> None:
    """What the worker imports ahead of a Run: the shipped packages, not the standard library or
    the snippet's own helpers (importing those could run the reader's code before Run)."""
    packages = {"f.whl": {"imports": ["fastapi"], "depends": []}, "p.whl": {"imports": ["pydantic"], "depends": []}}
    source = "import asyncio\nfrom fastapi import FastAPI\nimport playground_client\nimport pydantic.fields\n"
    assert needed_wheels.shipped_imports(source, json.dumps(packages)) == ["fastapi", "pydantic"]
    assert needed_wheels.shipped_imports("not python (", json.dumps(packages)) == []
