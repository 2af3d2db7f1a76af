"""``python -m playground.loopview FILE -o trace.json``: run FILE under CPython with the loop
tracer and write the Chrome trace. The program's own output is untouched; a one-line summary
goes to stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playground.browser.loop_trace import LoopTrace
from playground.loopview.record import trace_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground.loopview", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the Python program to run (it calls asyncio.run)")
    parser.add_argument("-o", "--output", type=Path, default=Path("trace.json"), help="where to write the trace")
    parser.add_argument("args", nargs="*", help="arguments for the program (after --)")
    options = parser.parse_args(argv)
    if not options.file.is_file():
        parser.error(f"{options.file} is not a file")
    status = 0
    failure: BaseException | None = None
    trace = LoopTrace(filename=str(options.file))
    try:
        trace_file(options.file, options.args, trace)
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException as error:  # still write what was recorded, then re-raise
        failure = error
    sys.stdout.flush()
    options.output.write_text(json.dumps(trace.chrome_trace()))
    tasks = sum(1 for e in trace.events if e["ph"] == "M" and e["name"] == "thread_name") - 1
    steps = sum(1 for e in trace.events if e.get("cat") in ("step", "blocking") and e["tid"] != 0)
    print(f"loopview: {tasks} tasks, {steps} steps, {len(trace.events)} events -> {options.output}", file=sys.stderr)
    if failure is not None:
        raise failure
    return status


if __name__ == "__main__":
    sys.exit(main())
