"""The runner's Python half, under CPython: what does not need a browser is tested here."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from playground.browser import in_browser


def run_source(source: str, capsys: pytest.CaptureFixture[str]) -> tuple[list[str], str]:
    outcome = asyncio.run(in_browser.run_reporting(source, "topic/example.py"))
    return outcome, capsys.readouterr().out


def test_top_level_asyncio_run_becomes_await(capsys: pytest.CaptureFixture[str]) -> None:
    source = (
        "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)\n    return 42\n\n"
        "result = asyncio.run(main())\nprint(result, __name__)\n"
    )
    # Inside a running loop, a real asyncio.run would raise: only the rewrite makes this work.
    assert run_source(source, capsys) == (["ok", ""], "42 __main__\n")


@pytest.mark.parametrize(
    "source",
    [
        "from asyncio import run\nimport asyncio\nasync def f():\n    print('ran')\nrun(f())\n",
        "import asyncio as aio\nasync def f():\n    print('ran')\naio.run(f())\n",
        "import asyncio\nasync def f():\n    print('ran')\nif __name__ == '__main__':\n    asyncio.run(f())\n",
    ],
    ids=["from-import", "alias", "main-guard"],
)
def test_rewrite_follows_imports_and_main_guard(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source(source, capsys) == (["ok", ""], "ran\n")


def test_asyncio_run_inside_a_function_is_left_alone() -> None:
    tree_source = "import asyncio\ndef g(c):\n    return asyncio.run(c)\n"
    names = [c for c in in_browser.prepare(tree_source, "x.py").co_consts if hasattr(c, "co_names")]
    assert names and "run" in names[0].co_names


def test_errors_are_trimmed_to_the_readers_frames(capsys: pytest.CaptureFixture[str]) -> None:
    outcome, _ = run_source("def f():\n    raise ValueError('boom')\n\nf()\n", capsys)
    status, text = outcome
    assert status == "error"
    assert text.startswith("Traceback (most recent call last):\n  File \"topic/example.py\", line 4")
    assert "in_browser.py" not in text
    assert text.rstrip().endswith("ValueError: boom")


def test_syntax_error_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    status, text = run_source("print('unclosed'\n", capsys)[0]
    assert status == "error" and "SyntaxError" in text


def test_sys_exit_zero_is_ok_and_other_codes_are_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source("import sys\nsys.exit(0)\n", capsys)[0] == ["ok", ""]
    assert run_source("import sys\nsys.exit(3)\n", capsys)[0][0] == "error"


def test_keyboard_interrupt_and_cancel_count_as_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source("raise KeyboardInterrupt\n", capsys)[0][0] == "stopped"

    async def cancel_while_awaiting() -> list[str]:
        task = in_browser.start("import asyncio\nawait asyncio.sleep(3600)\n", "x.py")
        await asyncio.sleep(0.01)
        task.cancel()
        return await task

    assert asyncio.run(cancel_while_awaiting())[0] == "stopped"


def test_main_module_is_restored(capsys: pytest.CaptureFixture[str]) -> None:
    before = sys.modules["__main__"]
    run_source("x = 1\n", capsys)
    assert sys.modules["__main__"] is before


def test_wheels_for_follows_dependencies() -> None:
    packages = {
        "a.whl": {"imports": ["alpha"], "depends": ["b.whl"]},
        "b.whl": {"imports": ["beta"], "depends": ["c.whl"]},
        "c.whl": {"imports": ["gamma"], "depends": []},
        "d.whl": {"imports": ["delta"], "depends": []},
    }
    source = "import alpha.sub\nfrom json import dumps\nimport asyncio\n"
    assert in_browser.wheels_for(source, json.dumps(packages), []) == ["a.whl", "b.whl", "c.whl"]
    assert in_browser.wheels_for(source, json.dumps(packages), ["b.whl"]) == ["a.whl"]
    assert in_browser.wheels_for("this is not python", json.dumps(packages), []) == []


def test_verdict_uses_the_suites_rule() -> None:
    source = "print('took 0.3s')\n#> took 0.3s\n"
    assert in_browser.verdict(source, "took 0.4s\n") == ["match", ""]
    outcome, diff = in_browser.verdict(source, "took 0.9s\n")
    assert outcome == "differ" and "+#> took 0.9s" in diff
    assert in_browser.verdict("print(1)\n", "1\n") is None
