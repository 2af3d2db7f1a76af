"""Pages hold no code of their own: every Python block is one include of an existing snippet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from playground.snippets.catalog import discover
from tests.paths import DOCS, SNIPPETS
from tests.site_pages import nav_pages, url_path

FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*\{?\s*\.?(?P<lang>[\w+-]*)(?P<rest>.*)$")
INCLUDE = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"\s*$')
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
PYTHON_LANGS = {"python", "py", "python3", "pycon"}


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    info: str
    body: list[str]


def code_blocks(text: str, page: str) -> list[Block]:
    """Fenced blocks of a Markdown page, with their info string and body."""
    blocks, lines, index = [], text.splitlines(), 0
    while index < len(lines):
        opened = FENCE_OPEN.match(lines[index])
        if not opened:
            index += 1
            continue
        fence, start, body = opened["fence"], index + 1, []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(fence):
            body.append(lines[index].strip())
            index += 1
        blocks.append(Block(page, start, opened["lang"].lower(), opened["rest"], body))
        index += 1
    return blocks


def problems_in(block: Block, known: set[str]) -> list[str]:
    """What is wrong with one Python block; empty when it is a proper snippet include."""
    where = f"{block.page}:{block.line}"
    content = [line for line in block.body if line]
    if len(content) != 1 or not INCLUDE.match(content[0]):
        return [f"{where}: a Python block typed into the page; put it in snippets/ and include it"]
    include = INCLUDE.match(content[0])
    assert include is not None  # checked just above
    path = include["path"]
    problems = []
    if path not in known:
        problems.append(f"{where}: includes {path!r}, which is not a snippet")
    title = TITLE.search(block.info)
    if not title or title["title"] != path:
        problems.append(f'{where}: the block needs title="{path}" (the runner reads the kind from it)')
    return problems


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def python_blocks() -> list[Block]:
    found = []
    for page in pages():
        rel = page.relative_to(DOCS).as_posix()
        found += [b for b in code_blocks(page.read_text(encoding="utf-8"), rel) if b.lang in PYTHON_LANGS]
    return found


KNOWN = {snippet.relative for snippet in discover(SNIPPETS)}


def test_every_python_block_is_a_snippet_include() -> None:
    blocks = python_blocks()
    assert blocks, "no Python blocks found: the page scan is broken"
    problems = [problem for block in blocks for problem in problems_in(block, KNOWN)]
    assert not problems, "\n".join(problems)


def test_no_snippet_is_orphaned() -> None:
    included = {m["path"] for b in python_blocks() for line in b.body if (m := INCLUDE.match(line))}
    orphans = sorted(KNOWN - included)
    assert not orphans, f"snippets no page includes: {orphans}"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ('```python title="t/a.py"\n--8<-- "t/a.py"\n```\n', []),
        ("```python\nprint('typed by hand')\n```\n", ["typed into the page"]),
        ('``` py\n--8<-- "t/a.py"\nprint(1)\n```\n', ["typed into the page"]),
        ('```python title="t/a.py"\n--8<-- "t/missing.py"\n```\n', ["not a snippet", "title="]),
        ('```python\n--8<-- "t/a.py"\n```\n', ['title="t/a.py"']),
        ("!!! note\n    ```python\n    x = 1\n    ```\n", ["typed into the page"]),
    ],
)
def test_the_checker_catches_what_it_should(markdown: str, expected: list[str]) -> None:
    problems = [p for b in code_blocks(markdown, "x.md") for p in problems_in(b, {"t/a.py"})]
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem


def test_every_page_is_in_the_nav() -> None:
    """The one page list (tests/site_pages.py) is the nav: a page missing from it would be built
    but neither linked nor checked by the browser, build and accessibility tests."""
    assert sorted(nav_pages()) == sorted(url_path(page.relative_to(DOCS).as_posix()) for page in pages())
