"""The output a page shows, recorded in the snippet, and the one rule for comparing it.

Recording: every line a snippet prints is written in the snippet itself as a ``#>`` comment
(``#> text``; a bare ``#>`` is an empty line), in the style of pytest-examples. The reader sees
them in the code block, so the page shows the output without a second copy.

Where the lines go: a group of consecutive ``#>`` lines is the output of the statement right
above it — the statement whose last line is the line just before the group. Put the group under
the ``print`` that prints it, or under ``asyncio.run(main())`` for what a whole program prints.

Comparing (the rule, written down only here; the CPython tests and the page both apply it):

1. Each line printed is tied to a group: the run records, for every write to stdout, the
   snippet lines that were executing (``output_trace.py``); the write belongs to the innermost
   of them that lies inside a group's statement (the smallest such statement when they nest).
   A ``print`` inside ``main()`` with its own group counts there; every other line printed while
   ``asyncio.run(main())`` ran counts under that statement.
2. Each group must equal, line by line, what its statement printed, in the order printed; a
   line printed by a statement with no group under it fails the check.
3. Lines are compared after stripping trailing white space. Output that depends on timing is
   printed rounded, as a duration with a unit: ``1.0s`` or ``250ms``. A duration in the
   recorded line matches a duration in the same place of the actual line when they differ by at
   most a quarter of the recorded value (``DURATION_RELATIVE``), plus 20 ms for a late timer
   (``DURATION_FLOOR_S``), plus one unit of the recorded value's last digit (the rounding of
   both: 0.1 s for ``1.0s``, 1 ms for ``59ms``). So ``1.0s`` accepts ``0.7s`` to ``1.3s`` and
   ``59ms`` accepts ``24ms`` to ``94ms``: a busy CI machine or a browser's timer passes, and the gaps a snippet
   teaches (sequential 0.9s against concurrent 0.3s) do not.
4. A duration written with a tilde, ``~12ms``, is an example that varies from run to run (a
   longest pause, a time on a loaded machine): it is not compared, but the actual line must show
   a duration there too, with its tilde (the snippet prints the tilde, so the reader sees it as
   well). A lesson drawn from timings is never left to the durations: the snippet prints it as a
   line of its own that is compared to the letter — an ordering, a ratio in a band, a boolean
   (``processes faster than threads: True``).
5. Everything else must match to the letter.

On a mismatch, the diff shows the snippet as it is against the snippet as a real run would
record it. ``python -m playground.browser.recorded_output --update FILE...`` writes that
version (a recorded duration still within the tolerance, or marked ``~``, is kept, so
re-recording does not churn).
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from playground.browser.output_trace import Chunk

MARKER = "#>"
DURATION_RELATIVE = 0.25  # of the recorded value
DURATION_FLOOR_S = 0.02  # a timer that fires late, whatever the value
VARIES = "~"  # written right before a duration: an example, not compared
_DURATION = re.compile(r"(?<![\w.])(~?)(\d+(?:\.\d+)?)(ms|s)\b")


def _marker_text(line: str) -> str | None:
    """The recorded text of a ``#>`` line, or None when the line is not one."""
    stripped = line.strip()
    if stripped == MARKER:
        return ""
    if stripped.startswith(MARKER + " "):
        return stripped[len(MARKER) + 1 :].rstrip()
    return None


def recorded_lines(source: str) -> list[str]:
    """All recorded lines of a snippet, in file order."""
    return [text for line in source.splitlines() if (text := _marker_text(line)) is not None]


def _seconds(number: str, unit: str) -> float:
    return float(number) / 1000 if unit == "ms" else float(number)


def duration_tolerance_s(number: str, unit: str) -> float:
    """How far an actual duration may be from the recorded ``number`` ``unit`` (rule 3): a
    quarter of it, 20 ms, and one unit of its last printed digit for the rounding."""
    decimals = len(number.partition(".")[2])
    return DURATION_RELATIVE * _seconds(number, unit) + DURATION_FLOOR_S + _seconds(f"{10.0**-decimals}", unit)


def _durations_match(want: re.Match[str], got: re.Match[str]) -> bool:
    varies, number, unit = want.groups()
    if varies:  # rule 4: the tilde is text (compared), the value is an example
        return bool(got.group(1))
    if got.group(1):
        return False
    return abs(_seconds(number, unit) - _seconds(*got.groups()[1:])) <= duration_tolerance_s(number, unit)


def lines_match(recorded: str, actual: str) -> bool:
    recorded, actual = recorded.rstrip(), actual.rstrip()
    if recorded == actual:
        return True
    # Same text once durations are masked, then each duration pair by rules 3 and 4.
    if _DURATION.sub("<t>", recorded) != _DURATION.sub("<t>", actual):
        return False
    pairs = zip(_DURATION.finditer(recorded), _DURATION.finditer(actual), strict=True)  # same count: masked alike
    return all(_durations_match(want, got) for want, got in pairs)


def _groups_match(recorded: Sequence[str], actual: Sequence[str]) -> bool:
    return len(recorded) == len(actual) and all(map(lines_match, recorded, actual))


@dataclass(frozen=True)
class Comparison:
    ok: bool
    diff: str


def _as_markers(lines: Sequence[str]) -> list[str]:
    return [MARKER + (" " + line.rstrip() if line.strip() else "") for line in lines]


def compare(recorded: list[str], actual_stdout: str) -> Comparison:
    """The whole-file rule: all ``#>`` lines, in file order, against stdout. Used where a run
    left no record of who printed what (see :func:`check` for the full rule)."""
    actual = actual_stdout.splitlines()
    if _groups_match(recorded, actual):
        return Comparison(True, "")
    diff = difflib.unified_diff(
        _as_markers(recorded),
        _as_markers(actual),
        fromfile="recorded in the snippet",
        tofile="printed by a real run",
        lineterm="",
    )
    return Comparison(False, "\n".join(diff))


# ---------------------------------------------------------------------------------------------
# Groups and the statements they sit under


@dataclass
class Group:
    """A run of ``#>`` lines (``first``, ``last``: 1-based lines) under statement lines
    ``start``..``end`` (0, 0 when nothing is right above it), and what the run printed there."""

    first: int
    last: int
    start: int
    end: int
    indent: str
    recorded: list[str]
    printed: list[str] = field(default_factory=list)

    def holds(self, line: int) -> bool:
        return self.start <= line <= self.end


def _statement_spans(tree: ast.Module) -> dict[int, tuple[int, int]]:
    """For each line on which a statement ends, the outermost statement ending there."""
    spans: dict[int, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.end_lineno is not None:
            decorators = getattr(node, "decorator_list", [])
            start = min([node.lineno, *(d.lineno for d in decorators)])
            known = spans.get(node.end_lineno)
            if known is None or start < known[0]:
                spans[node.end_lineno] = (start, node.end_lineno)
    return spans


def groups(source: str) -> list[Group]:
    """The ``#>`` groups of a snippet, each with the statement right above it."""
    spans = _statement_spans(ast.parse(source))
    found: list[Group] = []
    for number, line in enumerate(source.splitlines(), start=1):
        text = _marker_text(line)
        if text is None:
            continue
        if found and found[-1].last == number - 1:
            found[-1].last = number
            found[-1].recorded.append(text)
            continue
        start, end = spans.get(number - 1, (0, 0))
        indent = line[: len(line) - len(line.lstrip())]
        found.append(Group(number, number, start, end, indent, [text]))
    return found


def _top_level_spans(tree: ast.Module) -> list[tuple[int, int]]:
    return [
        (min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]), node.end_lineno or node.lineno)
        for node in tree.body
    ]


@dataclass
class Tied:
    """A run's output tied to the groups; what no group claims goes, for the diff and the
    update, under the top-level statement that was running (a new group)."""

    groups: list[Group]
    source: str

    @property
    def ok(self) -> bool:
        return all(group.end and _groups_match(group.recorded, group.printed) for group in self.groups)

    def rewritten(self) -> str:
        """The snippet with each group holding what was printed there (recorded lines that still
        match, durations within the tolerance, are kept as they are)."""
        lines = [line for line in self.source.splitlines() if _marker_text(line) is None]
        # Line numbers shift as markers go: map each statement's last line to its new index.
        kept = [n for n, line in enumerate(self.source.splitlines(), start=1) if _marker_text(line) is None]
        index_of = {number: index for index, number in enumerate(kept)}
        inserts: dict[int, list[str]] = {}
        for group in self.groups:
            if not group.printed or not group.end:
                continue
            shown = _keep_matching(group.recorded, group.printed)
            inserts.setdefault(index_of[group.end], []).extend(group.indent + m for m in _as_markers(shown))
        out: list[str] = []
        for index, line in enumerate(lines):
            out.append(line)
            out.extend(inserts.get(index, []))
        return "\n".join(out) + "\n"

    def diff(self) -> str:
        return "\n".join(
            difflib.unified_diff(
                self.source.splitlines(),
                self.rewritten().splitlines(),
                fromfile="recorded in the snippet",
                tofile="printed by a real run",
                lineterm="",
            )
        )


def _keep_matching(recorded: list[str], printed: list[str]) -> list[str]:
    """What to write for a group: the printed lines, except that a recorded line the rule
    accepts (a duration within the tolerance) stays as it was."""
    if len(recorded) != len(printed):
        return printed
    return [want if lines_match(want, got) else got for want, got in zip(recorded, printed, strict=True)]


def _lines_with_owners(chunks: Sequence[Chunk]) -> list[tuple[str, tuple[int, ...]]]:
    """Stdout as lines, each with the running lines of the write that began it."""
    lines: list[tuple[str, tuple[int, ...]]] = []
    open_line = False
    for chunk in chunks:
        for piece in chunk.text.splitlines(keepends=True):
            if open_line:
                lines[-1] = (lines[-1][0] + piece, lines[-1][1])
            else:
                lines.append((piece, chunk.lines))
            open_line = not piece.endswith(("\n", "\r"))
    return [(text.rstrip("\r\n"), owner) for text, owner in lines]


def tie(source: str, chunks: Sequence[Chunk]) -> Tied:
    """Give each printed line to the group of the statement that printed it (rule 1 above)."""
    tree = ast.parse(source)
    found = groups(source)
    anchored = [group for group in found if group.end]
    top_level = _top_level_spans(tree)
    for text, running in _lines_with_owners(chunks):
        owner = None
        for line in running:
            holding = [group for group in anchored if group.holds(line)]
            if holding:
                owner = min(holding, key=lambda group: group.end - group.start)
                break
        if owner is None:  # printed where no group sits: a new group under the running statement
            module_line = running[-1] if running else (top_level[-1][1] if top_level else 1)
            start, end = next(((s, e) for s, e in top_level if s <= module_line <= e), (module_line, module_line))
            owner = next((g for g in found if (g.start, g.end) == (start, end)), None)
            if owner is None:
                owner = Group(0, 0, start, end, "", [])
                found.append(owner)
                anchored.append(owner)
        owner.printed.append(text)
    return Tied(found, source)


def check(source: str, chunks: Sequence[Chunk]) -> Comparison:
    """The full rule: each group against what its statement printed."""
    tied = tie(source, chunks)
    if tied.ok:
        return Comparison(True, "")
    loose = [group.first for group in tied.groups if group.recorded and not group.end]
    note = "".join(f"line {first}: a #> group must sit right under the statement that prints it\n" for first in loose)
    return Comparison(False, note + tied.diff())


if __name__ == "__main__":
    from playground.browser.record_run import main

    raise SystemExit(main())
