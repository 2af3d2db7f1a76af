"""Who printed what: stdout, recorded with the snippet lines that were running at each write.

A ``#>`` group belongs to the statement just above it (see ``recorded_output.py``). To check
that, the run must say, for every piece of text written to stdout, which lines of the snippet
were executing: the line of each frame of the snippet's own code on the stack, innermost first,
and last the module's current line — the top-level statement running (``asyncio.run(main())``
for a whole program). A task the snippet created runs from the event loop, not from the module's
frame; in the page the module itself is a suspended coroutine: the module frame is then held
here and asked for its current line (``f_lineno`` of a suspended frame is where it waits).

Used in both places a snippet runs: in the page (``rewrite.run`` installs the recorder around
the snippet) and under CPython, where ``python -m playground.browser.output_trace TRACE FILE``
runs ``FILE`` as ``__main__`` exactly as ``python FILE`` would, and writes the chunks to
``TRACE`` as JSON. Like every module in ``playground/browser/`` this imports nothing from the
rest of ``playground``.
"""

from __future__ import annotations

import json
import runpy
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO


@dataclass(frozen=True)
class Chunk:
    """One write to stdout, and the snippet lines running then (innermost first, the module's
    current line last)."""

    text: str
    lines: tuple[int, ...]


# More writes than any snippet with recorded output makes; past it, stop noting (a print loop left
# running in the page must not grow memory without bound) and say so: the tie is then impossible.
MAX_CHUNKS = 100_000


class StdoutRecorder:
    """Stands in for ``sys.stdout``: passes every write on unchanged and notes who made it.
    Not an ``io.TextIOBase``: its defaults (``encoding`` None, ``fileno`` unsupported) would
    hide the real stream's; everything but writing is the real stream's, through ``__getattr__``."""

    def __init__(self, stream: TextIO, filename: str) -> None:
        self.stream = stream
        self.filename = filename
        self.chunks: list[Chunk] = []
        self.overflowed = False
        self.module_frame: FrameType | None = None  # set when the module runs as a coroutine
        self._main_thread = threading.main_thread()

    def write(self, text: str) -> int:
        if text and not self.overflowed:
            if len(self.chunks) < MAX_CHUNKS:
                self.chunks.append(Chunk(text, self.running_lines(sys._getframe(1))))
            else:
                self.overflowed = True
        return self.stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def running_lines(self, frame: FrameType | None) -> tuple[int, ...]:
        lines = self._snippet_lines(frame)
        if threading.current_thread() is not self._main_thread:
            # A thread's stack does not reach the module: ask the main thread where it is.
            lines += self._snippet_lines(sys._current_frames().get(self._main_thread.ident or 0))
        if self.module_frame is not None:
            lines.append(self.module_frame.f_lineno)
        return tuple(dict.fromkeys(lines))

    def _snippet_lines(self, frame: FrameType | None) -> list[int]:
        lines = []
        while frame is not None:
            if frame.f_code.co_filename == self.filename:
                lines.append(frame.f_lineno)
            frame = frame.f_back
        return lines

    def text(self) -> str:
        return "".join(chunk.text for chunk in self.chunks)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def recording_stdout(filename: str) -> Iterator[StdoutRecorder]:
    """Record stdout for the snippet compiled under ``filename`` while the block runs."""
    previous = sys.stdout
    recorder = StdoutRecorder(previous, filename)
    sys.stdout = recorder
    try:
        yield recorder
    finally:
        sys.stdout = previous


def chunks_to_json(chunks: list[Chunk]) -> str:
    return json.dumps([[chunk.text, list(chunk.lines)] for chunk in chunks])


def chunks_from_json(text: str) -> list[Chunk]:
    return [Chunk(piece, tuple(lines)) for piece, lines in json.loads(text)]


def main(argv: list[str]) -> None:
    """``python -m playground.browser.output_trace TRACE FILE [ARGS...]``: run FILE as
    ``python FILE ARGS`` would, and write its stdout chunks to TRACE as JSON (even when it fails)."""
    trace, path, *args = argv
    sys.argv = [path, *args]
    sys.path[0] = str(Path(path).resolve().parent)  # as `python FILE` sets it
    with recording_stdout(path) as recorder:
        try:
            runpy.run_path(path, run_name="__main__")
        finally:
            sys.stdout.flush()
            with open(trace, "w", encoding="utf-8") as out:
                out.write(chunks_to_json(recorder.chunks))


if __name__ == "__main__":
    main(sys.argv[1:])
