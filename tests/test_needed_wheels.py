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
