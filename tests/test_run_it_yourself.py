"""Every block that does not run in the page (terminal, server) or that needs the playground
(client) has a "Run it yourself" block right after it: a fresh environment, one `pip install`
with the versions the site was checked with — from one file, generated from the lock — and the
command for that file. A copied snippet must run there: no import of this project's package."""

from __future__ import annotations

import ast

import pytest

from playground.snippets.catalog import Kind, Snippet, discover
from playground.snippets.run_commands import INSTALL_FILE, install_text, pinned
from tests.page_blocks import INCLUDE, Block, code_blocks, pages
from tests.paths import ROOT, SNIPPETS

RUN_NOTE = '??? note "Run it yourself"'  # collapsed: one click opens the commands
INSTALL_INCLUDE = '--8<-- "run/install.txt"'
KINDS = {s.relative: s.kind for s in discover(SNIPPETS)}


def command_for(relative: str, kind: Kind) -> str:
    """The command a "Run it yourself" block must hold for this snippet."""
    name = relative.rsplit("/", 1)[-1]
    return f"uvicorn {name.removesuffix('.py')}:app" if kind is Kind.SERVER else f"python {name}"


def missing_run_blocks(blocks: list[Block]) -> list[str]:
    """Terminal, server and client blocks without their "Run it yourself" block right after."""
    problems = []
    for index, block in enumerate(blocks):
        found = INCLUDE.match(block.body[0]) if block.body else None
        kind = KINDS.get(found["path"]) if found else None
        if found is None or kind not in (Kind.TERMINAL, Kind.SERVER, Kind.CLIENT):
            continue
        relative = found["path"]
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        where = f"{block.page}:{block.line} ({relative})"
        if after is None or after.lang != "bash" or INSTALL_INCLUDE not in after.body:
            problems.append(f"{where}: no bash block with {INSTALL_INCLUDE} right after it (in a {RUN_NOTE})")
            continue
        if not any(line.startswith(command_for(relative, kind)) for line in after.body):
            problems.append(f"{where}: its run block has no line starting `{command_for(relative, kind)}`")
    return problems


def all_blocks() -> list[Block]:
    found = []
    for page in pages():
        found += code_blocks(page.read_text(encoding="utf-8"), page.relative_to(ROOT / "docs").as_posix())
    return found


def test_install_file_has_the_locks_versions() -> None:
    expected = install_text((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert INSTALL_FILE.read_text(encoding="utf-8") == expected, (
        "snippets/run/install.txt is not what the lock pins: python -m playground.snippets.run_commands"
    )


def test_every_terminal_server_and_client_block_says_how_to_run_it() -> None:
    blocks = all_blocks()
    assert sum(1 for b in blocks if INSTALL_INCLUDE in b.body) >= 10, "no run blocks found: the scan is broken"
    problems = missing_run_blocks(blocks)
    assert not problems, "\n".join(problems)


def test_no_page_types_a_pinned_version() -> None:
    typed = [
        f"{b.page}:{b.line}: {line}"
        for b in all_blocks()
        for line in b.body
        if line.startswith("pip install") and "==" in line
    ]
    assert not typed, "versions belong in snippets/run/install.txt only:\n" + "\n".join(typed)


def test_the_check_catches_a_missing_or_wrong_run_block() -> None:
    term = Block(
        "p.md",
        1,
        "python",
        ' title="async_io/selectors_readiness_terminal.py"',
        ['--8<-- "async_io/selectors_readiness_terminal.py"'],
    )
    assert "no bash block" in missing_run_blocks([term])[0]
    wrong = Block("p.md", 5, "bash", "", [INSTALL_INCLUDE, "python other.py"])
    assert "no line starting `python selectors_readiness_terminal.py`" in missing_run_blocks([term, wrong])[0]
    right = Block("p.md", 5, "bash", "", [INSTALL_INCLUDE, "python selectors_readiness_terminal.py"])
    assert missing_run_blocks([term, right]) == []
    with pytest.raises(LookupError, match="websockets"):
        pinned("fastapi==1.0 \\\n", ("fastapi", "websockets"))


@pytest.mark.parametrize("snippet", [s for s in discover(SNIPPETS) if s.kind is Kind.CLIENT], ids=lambda s: s.relative)
def test_client_snippets_import_nothing_of_this_project(snippet: Snippet) -> None:
    tree = ast.parse(snippet.source())
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    ours = [m for m in modules if m == "playground" or m.startswith("playground.")]
    assert not ours, f"{snippet.relative} imports {ours}: a reader's fresh environment has no such package"
