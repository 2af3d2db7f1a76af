"""The fenced code blocks of the site's Markdown pages, parsed once for the tests that check
what a page shows (tests/test_pages.py, tests/test_run_it_yourself.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.paths import DOCS

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


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))
