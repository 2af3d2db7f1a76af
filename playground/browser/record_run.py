"""A snippet run under CPython with its stdout traced, checked or re-recorded by the rule.

The test suite and the command line both run snippets this way:

    python -m playground.browser.recorded_output FILE...            # check, print the diffs
    python -m playground.browser.recorded_output --update FILE...   # rewrite the #> lines

The snippet runs in its own process, from its own directory, as ``python FILE`` would run it
(``output_trace.py`` wraps it only to note who printed what). Shipped to the page with the rest
of ``playground/browser/`` but never used there: the page runs snippets itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from playground.browser.output_trace import MAX_CHUNKS, Chunk, chunks_from_json
from playground.browser.recorded_output import Comparison, check, recorded_lines, tie

# The directory holding the `playground` package: a checkout's root, or site-packages.
PACKAGE_PARENT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TracedRun:
    returncode: int
    stdout: str
    stderr: str
    chunks: list[Chunk] | None

    def untraced(self) -> str | None:
        """Why the trace cannot tie this run's stdout to statements, or None when it can."""
        if self.chunks is None:
            return "the run left no trace (did it end with os._exit?)"
        if len(self.chunks) >= MAX_CHUNKS:
            return f"it printed more than {MAX_CHUNKS:,} times"
        if "".join(chunk.text for chunk in self.chunks) != self.stdout:
            return (
                "stdout holds text that did not pass through sys.stdout (a child process, or a "
                "write to the file descriptor): print it from the snippet's own process"
            )
        return None

    def check(self, source: str) -> Comparison:
        reason = self.untraced()
        if reason is not None:
            return Comparison(False, f"cannot tie the output to statements: {reason}")
        assert self.chunks is not None
        return check(source, self.chunks)


def run_traced(
    path: Path, *, python: str = sys.executable, env: Mapping[str, str] | None = None, timeout: float = 60
) -> TracedRun:
    """Run ``python path`` (from the file's directory) with its stdout traced."""
    environment = dict(os.environ if env is None else env)
    paths = [str(PACKAGE_PARENT), *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    with tempfile.TemporaryDirectory() as scratch:
        trace = Path(scratch) / "trace.json"
        result = subprocess.run(
            [python, "-m", "playground.browser.output_trace", str(trace), str(path.resolve())],
            cwd=path.resolve().parent,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        chunks = chunks_from_json(trace.read_text(encoding="utf-8")) if trace.exists() else None
    return TracedRun(result.returncode, result.stdout, result.stderr, chunks)


def _update(path: Path, run: TracedRun) -> str:
    reason = run.untraced()
    if reason is not None:
        raise SystemExit(f"{path}: not updated: {reason}")
    assert run.chunks is not None
    source = path.read_text(encoding="utf-8")
    rewritten = tie(source, run.chunks).rewritten()
    if rewritten == source:
        return "unchanged"
    path.write_text(rewritten, encoding="utf-8")
    return "updated"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m playground.browser.recorded_output",
        description="Check snippets' #> lines against a real run (CPython), or rewrite them from one.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--update", action="store_true", help="rewrite each file's #> lines from a real run")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.files:
        if not args.update and not recorded_lines(path.read_text(encoding="utf-8")):
            print(f"{path}: records no output (nothing to check)")
            continue
        try:
            run = run_traced(path)
        except subprocess.TimeoutExpired as timeout:
            print(f"{path}: still running after {timeout.timeout:g} s (a server?); left as it is", file=sys.stderr)
            failed += 1
            continue
        if run.returncode != 0:
            print(f"{path}: exited {run.returncode}; #> lines left as they are\n{run.stderr}", file=sys.stderr)
            failed += 1
        elif args.update:
            print(f"{path}: {_update(path, run)}")
        else:
            comparison = run.check(path.read_text(encoding="utf-8"))
            print(f"{path}: {'ok' if comparison.ok else 'differs'}")
            if not comparison.ok:
                print(comparison.diff)
                failed += 1
    return 1 if failed else 0
