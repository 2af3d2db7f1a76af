"""rewrite.py under CPython: a top-level asyncio.run becomes await, and the snippet runs as __main__."""

from __future__ import annotations

import sys

import pytest

from playground.browser import rewrite
from tests.page_runs import run_source


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
    names = [c for c in rewrite.prepare(tree_source, "x.py").co_consts if hasattr(c, "co_names")]
    assert names and "run" in names[0].co_names


def test_main_module_is_restored(capsys: pytest.CaptureFixture[str]) -> None:
    before = sys.modules["__main__"]
    run_source("x = 1\n", capsys)
    assert sys.modules["__main__"] is before


def test_runtime_tracebacks_show_the_snippets_source_lines(capsys: pytest.CaptureFixture[str]) -> None:
    # topic/example.py exists nowhere on disk: the lines can only come from the code that ran.
    status, text = run_source("def f():\n    return 1 / 0\n\nf()\n", capsys)[0]
    assert status == "error"
    assert "    f()\n" in text and "    return 1 / 0\n" in text
