"""The command line of `python -m playground`: a thin layer over uvicorn, generated from `Settings`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from playground.server.limits import (
    FDS_PER_CONNECTION,
    RESERVED_FDS,
    connections_the_file_limit_allows,
    raise_file_limit,
)
from playground.server.run import serve, serve_reloading
from playground.server.settings import Settings


def main(argv: Sequence[str] | None = None) -> None:
    try:
        settings = Settings.from_args(argv)
    except ValueError as error:
        sys.exit(f"python -m playground: {error}")
    soft, _ = raise_file_limit()  # every connection is a file; workers and the reloader's child inherit it
    fitting = connections_the_file_limit_allows(soft)
    if fitting is not None and fitting < settings.max_connections:
        print(
            f"python -m playground: --max-connections {settings.max_connections} does not fit the open-file limit "
            f"of {soft} (a connection can take {FDS_PER_CONNECTION} descriptors, {RESERVED_FDS} kept for the "
            f"process): serving at most {fitting} connections; raise the limit (ulimit -n) for more",
            file=sys.stderr,
        )
        settings = settings.replace(max_connections=fitting)
    if settings.reload and settings.workers > 1:
        print("python -m playground: --reload runs one process; --workers is ignored", file=sys.stderr)
    if settings.reload:
        serve_reloading(settings)
        return
    serve(settings)
