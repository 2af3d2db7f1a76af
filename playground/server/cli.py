"""The command line of `python -m playground`: a thin layer over uvicorn, generated from `Settings`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import uvicorn

from playground.server.limits import raise_file_limit
from playground.server.run import serve, uvicorn_options
from playground.server.settings import Settings, export_to_environment


def main(argv: Sequence[str] | None = None) -> None:
    try:
        settings = Settings.from_args(argv)
    except ValueError as error:
        sys.exit(f"python -m playground: {error}")
    raise_file_limit()  # every connection is a file; workers and the reloader's child inherit it
    if settings.reload and settings.workers > 1:
        print("python -m playground: --reload runs one process; --workers is ignored", file=sys.stderr)
    if settings.reload:
        export_to_environment(settings)
        uvicorn.run(  # the reloader supervises a child; it takes no custom server class
            "playground.server.app:create_app",
            factory=True,
            reload=True,
            reload_dirs=[str(settings.snippets_dir.parent / "playground"), str(settings.snippets_dir)],
            **uvicorn_options(settings),
        )
        return
    serve(settings)
