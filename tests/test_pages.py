"""Pages hold no code of their own: every Python block is one include of an existing snippet."""

from __future__ import annotations

import ast
import re

import pytest

from playground.snippets.catalog import Kind, discover
from tests.page_blocks import INCLUDE, PYTHON_LANGS, TITLE, Block, code_blocks, pages
from tests.paths import DOCS, SNIPPETS
from tests.site_pages import nav_pages, url_path


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


def python_blocks() -> list[Block]:
    found = []
    for page in pages():
        rel = page.relative_to(DOCS).as_posix()
        found += [b for b in code_blocks(page.read_text(encoding="utf-8"), rel) if b.lang in PYTHON_LANGS]
    return found


KNOWN = {snippet.relative for snippet in discover(SNIPPETS)}
# Helpers next to the topic folders (playground_client.py): shown on a page, not snippets.
KNOWN |= {path.name for path in SNIPPETS.glob("*.py")}


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


# --- The path: each fact stated on one page, linked from the others ---------------------------

LOOP_LEGEND = "loop-picture.md"
ONE_PLACE = {
    # fact: (how a paragraph states it, the page that explains it, the anchor others link to)
    "40 threads per worker": (
        re.compile(r"\b40\b.*\b(threads?|tokens?)\b|\b(threads?|tokens?)\b.*\b40\b", re.S),
        "threadpool.md",
        "threadpool.md#what-40-threads-means-exactly",
    ),
    "403 before accept, 1006 in the browser": (
        re.compile(r"\b403\b.*\b1006\b|\b1006\b.*\b403\b", re.S),
        "websocket-auth.md",
        "websocket-auth.md#a-refusal-before-accept-http-403-and-a-browser-sees-1006",
    ),
}


def paragraphs(text: str) -> list[str]:
    """Blank-line separated chunks of a page, admonition bodies included."""
    return [chunk for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]


def repeated_facts(pages_text: dict[str, str]) -> list[str]:
    """Paragraphs that state a ONE_PLACE fact away from its page without linking there."""
    problems = []
    for fact, (states, home, anchor) in ONE_PLACE.items():
        for page, text in pages_text.items():
            if page in (home, "glossary.md"):  # the glossary defines words and links each entry
                continue
            problems += [
                f"{page}: states '{fact}' again; link to {anchor} instead:\n{chunk[:200]}"
                for chunk in paragraphs(text)
                if states.search(chunk) and anchor not in chunk
            ]
    return problems


def loop_tips_without_legend(page: str, text: str) -> list[str]:
    """'Show the loop' tips that do not link to the one legend."""
    tips = re.finditer(r'^!!! tip "Show the loop[^\n]*\n((?:    [^\n]*\n?|\n)*)', text, re.M)
    return [
        f"{page}:{text[: match.start()].count(chr(10)) + 1}: tip does not link to {LOOP_LEGEND}"
        for match in tips
        if LOOP_LEGEND not in match.group(1)
    ]


def page_texts() -> dict[str, str]:
    return {page.relative_to(DOCS).as_posix(): page.read_text(encoding="utf-8") for page in pages()}


def test_each_repeated_fact_is_stated_once_and_linked() -> None:
    problems = repeated_facts(page_texts())
    assert not problems, "\n\n".join(problems)


def test_every_loop_tip_links_to_the_legend() -> None:
    texts = page_texts()
    assert any('!!! tip "Show the loop' in text for text in texts.values()), "no tips found: the scan is broken"
    problems = [p for page, text in texts.items() for p in loop_tips_without_legend(page, text)]
    assert not problems, "\n".join(problems)


def test_the_fact_checks_catch_a_restatement() -> None:
    restated = {"threadpool.md": "up to 40 threads", "async-io.md": "A pool of 40 threads per worker.\n"}
    assert len(repeated_facts(restated)) == 1
    linked = {"async-io.md": "A pool of [40 threads](threadpool.md#what-40-threads-means-exactly).\n"}
    assert repeated_facts(linked) == []
    tip = '!!! tip "Show the loop: what to look for"\n    a lane\n\nafter\n'
    assert len(loop_tips_without_legend("x.md", tip)) == 1
    assert loop_tips_without_legend("x.md", tip.replace("a lane", "a lane ([legend](loop-picture.md))")) == []


# --- The lesson visible: a snippet that plays the server highlights its lesson -----------------

HL_LINES = re.compile(r'hl_lines="(?P<lines>[^"]*)"')
HARNESS_MIN_LINES = 50  # longer than this, a lesson of a few lines drowns in its harness


def plays_the_server(source: str) -> bool:
    """The snippet drives the app with raw ASGI messages itself (`await app(scope, ...)`)."""
    return "await app(" in source


def highlighted(info: str) -> list[tuple[int, int]]:
    found = HL_LINES.search(info)
    if not found:
        return []
    spans = []
    for part in found["lines"].split():
        first, _, last = part.partition("-")
        spans.append((int(first), int(last or first)))
    return spans


def definition_spans(source: str) -> list[tuple[int, int]]:
    """Line spans of the file's top-level statements, decorators included."""
    spans = []
    for node in ast.parse(source).body:
        decorators = [d.lineno for d in getattr(node, "decorator_list", [])]
        spans.append((min([node.lineno, *decorators]), node.end_lineno or node.lineno))
    return spans


def lesson_problems(block: Block, source: str) -> list[str]:
    """A harness snippet without highlighted lines, or highlights that cut a definition in two
    (the sign that the file changed under the page's line numbers)."""
    where = f"{block.page}:{block.line}"
    spans = highlighted(block.info)
    if not spans:
        long_harness = plays_the_server(source) and len(source.splitlines()) > HARNESS_MIN_LINES
        if long_harness and not block.page.startswith("underneath/"):
            return [f'{where}: the lesson is lost in the harness; mark it with hl_lines="first-last"']
        return []
    starts = {start for start, _ in definition_spans(source)}
    ends = {end for _, end in definition_spans(source)}
    return [
        f"{where}: hl_lines {first}-{last} does not cover whole top-level definitions of the file"
        for first, last in spans
        if first not in starts or last not in ends
    ]


def test_harness_snippets_highlight_their_lesson() -> None:
    problems = []
    for block in python_blocks():
        found = INCLUDE.match(block.body[0]) if block.body else None
        path = found["path"] if found else None
        if path in KNOWN:
            problems += lesson_problems(block, (SNIPPETS / path).read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_lesson_check_catches_a_missing_or_shifted_highlight() -> None:
    lesson, play = "async def lesson():\n    pass\n", "async def play():\n    await app(1, 2, 3)\n"
    harness = f"import x\n\n\n{lesson}\n\n{play}" + "#\n" * 50
    bare = Block("p.md", 1, "python", ' title="t/a.py"', ['--8<-- "t/a.py"'])
    assert "lost in the harness" in lesson_problems(bare, harness)[0]
    good = Block("p.md", 1, "python", ' title="t/a.py" hl_lines="4-5"', ['--8<-- "t/a.py"'])
    assert lesson_problems(good, harness) == []
    shifted = Block("p.md", 1, "python", ' title="t/a.py" hl_lines="5-6"', ['--8<-- "t/a.py"'])
    assert "whole top-level definitions" in lesson_problems(shifted, harness)[0]
    underneath = Block("underneath/p.md", 1, "python", ' title="t/a.py"', ['--8<-- "t/a.py"'])
    assert lesson_problems(underneath, harness) == []


# --- The path: pages short enough to walk -----------------------------------------------------

MAX_LINES = 220
# The "about 10": Terminology holds 11 (its Future step and the cancel-before-first-step
# case came in this round; each is a core idea of the page it is on).
MAX_RUNNABLE = 11
RUNS_IN_THE_PAGE = {s.relative for s in discover(SNIPPETS) if s.kind in (Kind.BROWSER, Kind.CLIENT)}


def runnable_blocks(text: str, page: str) -> int:
    found = [INCLUDE.match(b.body[0]) if b.body else None for b in code_blocks(text, page) if b.lang in PYTHON_LANGS]
    return sum(1 for include in found if include and include["path"] in RUNS_IN_THE_PAGE)


def test_no_page_is_too_long_to_walk() -> None:
    problems = []
    for page in pages():
        text, name = page.read_text(encoding="utf-8"), page.relative_to(DOCS).as_posix()
        lines, blocks = len(text.splitlines()), runnable_blocks(text, name)
        if lines > MAX_LINES or blocks > MAX_RUNNABLE:
            problems.append(f"{name}: {lines} lines, {blocks} runnable blocks: split it")
    assert not problems, "\n".join(problems)
    assert runnable_blocks((DOCS / "terminology.md").read_text(encoding="utf-8"), "terminology.md") > 5, "none found"


# The pages that teach a topic: each ends with the asyncio console (issue 16), then its Next link.
TOPIC_PAGES = [
    "terminology.md",
    "async-io.md",
    "threadpool.md",
    "background-and-workers.md",
    "dependency-injection.md",
    "dependency-cleanup-and-state.md",
    "websockets.md",
    "websocket-keepalive.md",
    "websocket-auth.md",
    "websocket-many-clients.md",
]


@pytest.mark.parametrize("name", TOPIC_PAGES)
def test_every_topic_page_ends_with_a_console_and_its_next_page(name: str) -> None:
    *_, console, last = paragraphs((DOCS / name).read_text(encoding="utf-8"))
    assert console.strip() == "<div data-asyncio-console></div>", console
    assert last.startswith("**Next:** ["), last
    assert url_path(name) in nav_pages(), f"{name} is not in the nav"
