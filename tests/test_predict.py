"""Which blocks ask the reader to predict before running: a snippet declares it with its marker,
its last line (`# Predict first: <question>`, read by the page's predict-lines.js). Under CPython: enough of
them, each one a block the page runs, with an order to predict (lines that are not all alike),
on a page."""

from __future__ import annotations

from playground.browser.recorded_output import recorded_lines
from playground.snippets.catalog import Kind
from tests.paths import DOCS
from tests.predictions import PREDICTABLE, question_of


def test_at_least_eight_blocks_ask_for_a_prediction() -> None:
    assert len(PREDICTABLE) >= 8, [s.relative for s in PREDICTABLE]


def test_each_predictable_block_runs_in_the_page_with_an_order_to_predict() -> None:
    pages = "".join(page.read_text(encoding="utf-8") for page in DOCS.rglob("*.md"))
    for snippet in PREDICTABLE:
        source = snippet.source()
        assert snippet.kind in (Kind.BROWSER, Kind.CLIENT), f"{snippet.relative}: the page cannot run it"
        lines = recorded_lines(source)
        assert len(lines) >= 3 and len(set(lines)) >= 2, f"{snippet.relative}: nothing to order ({lines})"
        assert question_of(source).endswith("?"), f"{snippet.relative}: the marker asks no question"
        # Last: no line of the file moves (pages and tests name lines of these snippets).
        assert source.rstrip("\n").rsplit("\n", 1)[-1].startswith("# Predict first: "), f"{snippet.relative}: not last"
        assert f'--8<-- "{snippet.relative}"' in pages, f"{snippet.relative} is on no page"
