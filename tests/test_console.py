"""The asyncio console's Python half (playground/browser/console.py), under CPython: top-level
await, names that persist from one command to the next, values shown as the REPL shows them, and
errors as one line. Each command runs through ``stop_state.run_reporting``, as in the worker."""

from __future__ import annotations

import asyncio
import time

import pytest

from playground.browser import console, stop_state


class Commands:
    """One console session; ``send`` runs commands one after another on one running loop, the way
    the worker's loop stays up between the reader's commands."""

    def __init__(self) -> None:
        self.session = console.Session()
        self.count = 0

    def send(self, *commands: str) -> list[list[str]]:
        async def all_of_them() -> list[list[str]]:
            outcomes = []
            for command in commands:
                self.count += 1
                outcomes.append(
                    await stop_state.run_reporting(
                        command, f"<console {self.count}>", self.session.run, self.session.explain_error
                    )
                )
            return outcomes

        return asyncio.run(all_of_them())


@pytest.fixture
def commands() -> Commands:
    return Commands()


def test_top_level_await(commands: Commands, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    outcomes = commands.send("await asyncio.sleep(0.05)\nprint('slept')")
    assert outcomes == [["ok", ""]]
    assert capsys.readouterr().out == "slept\n"
    assert time.perf_counter() - started >= 0.05


def test_names_persist_between_commands(commands: Commands, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = commands.send(
        "async def double(x):\n    await asyncio.sleep(0)\n    return 2 * x",
        "n = await double(21)",
        "print(n)",
    )
    assert outcomes == [["ok", ""]] * 3
    assert capsys.readouterr().out == "42\n"
    assert commands.session.namespace["n"] == 42


def test_expression_values_are_shown_like_the_repl(commands: Commands, capsys: pytest.CaptureFixture[str]) -> None:
    commands.send("1 + 1", "await asyncio.sleep(0, result='done')", "x = 3\nx\nx * 2", "None")
    # Every top-level expression is shown (each line of a multi-line input too); None is not.
    assert capsys.readouterr().out == "2\n'done'\n3\n6\n"


def test_a_blocks_code_continues_in_the_console(commands: Commands, capsys: pytest.CaptureFixture[str]) -> None:
    block = (
        "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)\n    print('main ran')\n"
        "    return 7\n\nresult = asyncio.run(main())\n"
    )
    # Inside a running loop a real asyncio.run raises: the console awaits it, as the page's Run does.
    assert commands.send(block, "await main() + result") == [["ok", ""], ["ok", ""]]
    assert capsys.readouterr().out == "main ran\nmain ran\n14\n"


def test_error_is_one_line_naming_the_line(commands: Commands) -> None:
    [[status, text]] = commands.send("x = 1\nprint(y)")
    assert status == "error"
    assert text == "NameError: name 'y' is not defined (line 2)\n"


def test_error_inside_a_function_of_an_earlier_command(commands: Commands) -> None:
    boom = "async def boom():\n    await asyncio.sleep(0)\n    raise ValueError('no')"
    outcomes = commands.send(boom, "await boom()")
    assert outcomes[1] == ["error", "ValueError: no (line 3 of <console 1>)\n"]


def test_syntax_error_is_one_line(commands: Commands) -> None:
    [[status, text]] = commands.send("for x in range(3)\n    print(x)")
    assert status == "error"
    assert text.count("\n") == 1 and text.startswith("SyntaxError: ") and text.endswith("(line 1)\n")


def test_a_browser_only_failure_keeps_its_sentence(commands: Commands) -> None:
    [[status, text]] = commands.send("import not_a_module_anywhere")
    assert status == "error" and text.count("\n") == 1
    assert text.startswith("ModuleNotFoundError: No module named 'not_a_module_anywhere' (line 1) — ")
    assert "not available in the page" in text


def test_cancelled_command_reports_stopped(commands: Commands) -> None:
    async def stop_soon() -> list[str]:
        task = console.start("while True:\n    await asyncio.sleep(0)", "<console 1>")
        await asyncio.sleep(0.01)
        assert stop_state.cancel_current()
        return await task

    assert asyncio.run(stop_soon())[0] == "stopped"


def test_start_runs_commands_in_the_one_session_of_the_worker(capsys: pytest.CaptureFixture[str]) -> None:
    async def define_then_use() -> list[list[str]]:
        return [
            await console.start("defined_here = 20", "<console 1>"),
            await console.start("defined_here + 1", "<console 2>"),
        ]

    assert asyncio.run(define_then_use()) == [["ok", ""], ["ok", ""]]
    assert capsys.readouterr().out == "21\n"
    assert console.SESSION.namespace["defined_here"] == 20
