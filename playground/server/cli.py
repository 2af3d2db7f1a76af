"""The command line of `python -m playground`: a thin layer over uvicorn, generated from `Settings`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from playground.server.limits import raise_file_limit
from playground.server.run import serve, serve_reloading
from playground.server.settings import Settings


def main(argv: Sequence[str] | None = None) -> None:
    try:
        settings = Settings.from_args(argv)
    except ValueError as error:
        sys.exit(f"python -m playground: {error}")
    raise_file_limit()  # every connection is a file; workers and the reloader's child inherit it
    if settings.reload and settings.workers > 1:
        print("python -m playground: --reload runs one process; --workers is ignored", file=sys.stderr)
    if settings.reload:
        serve_reloading(settings)
        return
    serve(settings)
