"""``python -m playground.loopview FILE -o trace.json [--html out.html]``: run FILE under CPython
with the loop tracer and write the Chrome trace (and, with ``--html``, a self-contained page
drawn by the site's own renderer). ``--app module:app`` traces a uvicorn server instead, for
``--seconds`` or ``--requests N`` (sent to ``--path``), and names the requests that blocked the
loop. The program's own output is untouched; the summary goes to stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playground.browser.loop_trace import LoopTrace
from playground.loopview.record import trace_file


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m playground.loopview", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, nargs="?", help="the Python program to run (it calls asyncio.run)")
    parser.add_argument("-o", "--output", type=Path, default=Path("trace.json"), help="where to write the trace")
    parser.add_argument("--html", type=Path, help="also write the picture as one offline HTML file")
    parser.add_argument("args", nargs="*", help="arguments for the program (after --)")
    app = parser.add_argument_group("a server instead of a program")
    app.add_argument("--app", metavar="MODULE:APP", help="an ASGI app to serve under uvicorn, traced")
    app.add_argument("--seconds", type=float, help="serve this long (you send the requests)")
    app.add_argument("--requests", type=int, default=0, help="send this many GET requests, then stop")
    app.add_argument("--path", action="append", help="a path the built-in load requests, in turn (repeatable)")
    app.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    options = parser.parse_args(argv)
    if options.app:
        return _app(parser, options)
    if options.file is None or not options.file.is_file():
        parser.error(f"{options.file} is not a file" if options.file else "give a FILE, or --app MODULE:APP")
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
    _write(trace, options, options.file.name, "error" if failure or status else "ok")
    if failure is not None:
        raise failure
    return status


def _app(parser: argparse.ArgumentParser, options: argparse.Namespace) -> int:
    from playground.loopview.app import report, trace_app

    if ":" not in options.app:
        parser.error(f"--app wants MODULE:APP (like uvicorn), got {options.app!r}")
    if options.requests < 0 or options.requests > 10_000:
        parser.error(f"--requests must be between 0 and 10000, got {options.requests}")
    if not options.requests and (options.seconds is None or not 0 < options.seconds <= 3600):
        parser.error("give --requests N (the built-in load) or --seconds S (0 < S <= 3600)")
    paths = options.path or ["/"]
    if not all(path.startswith("/") for path in paths):
        parser.error(f"--path must start with '/': {paths}")
    trace = trace_app(options.app, seconds=options.seconds, requests=options.requests, paths=paths, port=options.port)
    _write(trace, options, options.app, "ok")
    print(report(trace.events))
    return 0


def _write(trace: LoopTrace, options: argparse.Namespace, name: str, status: str) -> None:
    chrome = trace.chrome_trace()
    options.output.write_text(json.dumps(chrome))
    events = chrome["traceEvents"]
    tasks = sum(1 for e in events if e["ph"] == "M" and e["name"] == "thread_name") - 1
    steps = sum(1 for e in events if e.get("cat") in ("step", "blocking") and e["tid"] != 0)
    written = f"{options.output}" + (f" and {options.html}" if options.html else "")
    print(f"loopview: {tasks} tasks, {steps} steps, {len(events) - 1} events -> {written}", file=sys.stderr)
    if options.html:
        from playground.loopview.html import write_html

        write_html(chrome, name, options.html, status)


if __name__ == "__main__":
    sys.exit(main())
