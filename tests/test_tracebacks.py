"""tracebacks.py under CPython: errors a reader meets, one sentence above a traceback trimmed to their frames."""

from __future__ import annotations

import json

import pytest

from playground.browser import explain
from tests.page_runs import run_source, runner_frames


def test_errors_are_trimmed_to_the_readers_frames(capsys: pytest.CaptureFixture[str]) -> None:
    outcome, _ = run_source("def f():\n    raise ValueError('boom')\n\nf()\n", capsys)
    status, text = outcome
    assert status == "error"
    assert text.startswith('Traceback (most recent call last):\n  File "topic/example.py", line 4')
    assert not runner_frames(text)
    assert text.rstrip().endswith("ValueError: boom")


def test_syntax_error_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    status, text = run_source("print('unclosed'\n", capsys)[0]
    assert status == "error" and "SyntaxError" in text


@pytest.mark.parametrize(
    ("source", "sentence", "last"),
    [
        ("print('unclosed'\n", "Line 1 is not valid Python", "SyntaxError: '(' was never closed"),
        ("def f():\nreturn 1\n", "Line 2 is indented wrongly", "IndentationError: expected an indented block"),
    ],
)
def test_syntax_errors_show_no_runner_frames(
    source: str, sentence: str, last: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, text = run_source(source, capsys)[0]
    assert status == "error"
    assert text.startswith(sentence), text
    assert last in text
    assert not runner_frames(text) and "ast.py" not in text and "Traceback" not in text


def test_a_missing_module_says_what_the_page_has(capsys: pytest.CaptureFixture[str]) -> None:
    packages = {
        "fastapi-1.whl": {"imports": ["fastapi"], "depends": []},
        "x.whl": {"imports": ["pydantic"], "depends": []},
    }
    explain.remember_packages(json.dumps(packages))
    status, text = run_source("import numpy_is_not_here\n", capsys)[0]
    first = text.splitlines()[0]
    assert "numpy_is_not_here is not available in the page" in first and "fastapi, pydantic" in first
    assert text.rstrip().endswith("ModuleNotFoundError: No module named 'numpy_is_not_here'")
    # A module the page ships is not explained away: its error is a real one.
    assert explain.hint(ModuleNotFoundError("x", name="fastapi.nothing")) is None


def test_a_missing_file_says_errno_2(capsys: pytest.CaptureFixture[str]) -> None:
    text = run_source("open('no-such-file.csv')\n", capsys)[0][1]
    assert text.startswith("No such file (errno 2, ENOENT)")
    assert "[Errno 2] No such file or directory: 'no-such-file.csv'" in text


def test_input_and_sockets_fail_fast_with_a_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins
    import socket

    # install() patches these process-wide, as it does in the worker: undo it after the test.
    monkeypatch.setattr(builtins, "input", builtins.input)
    monkeypatch.setattr(socket.socket, "connect", socket.socket.connect)
    monkeypatch.setattr(socket.socket, "connect_ex", socket.socket.connect_ex)
    explain.install()

    status, text = run_source("name = input('name? ')\n", capsys)[0]
    assert status == "error" and text.startswith("input() has no keyboard")
    assert "EOFError: EOF when reading a line" in text and "explain.py" not in text

    source = "import socket\ndef fetch():\n    socket.create_connection(('127.0.0.1', 9))\nfetch()\n"
    status, text = run_source(source, capsys)[0]
    assert status == "error" and text.startswith("A browser gives Python no sockets")
    assert "ConnectionRefusedError: no sockets in the browser" in text
    assert "socket.py" not in text, "the sentence says it: the library frames only bury it"
