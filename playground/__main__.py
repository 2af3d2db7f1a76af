"""`python -m playground`: a thin command line over uvicorn, generated from `Settings`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import uvicorn

from playground.settings import Settings, env_name


def main(argv: Sequence[str] | None = None) -> None:
    try:
        settings = Settings.from_args(argv)
    except ValueError as error:
        sys.exit(f"python -m playground: {error}")
    if settings.reload:
        # The reloader re-imports the app in a child process: hand the settings over through
        # the environment, the one channel that child reads.
        for field in Settings.fields():
            os.environ[env_name(field.name)] = str(getattr(settings, field.name))
        uvicorn.run(
            "playground.app:create_app", factory=True, host=settings.host, port=settings.port,
            reload=True, reload_dirs=[str(settings.snippets_dir.parent / "playground")],
            log_level=settings.log_level,
        )
    else:
        from playground.app import create_app

        uvicorn.run(
            create_app(settings), host=settings.host, port=settings.port,
            log_level=settings.log_level,
        )


if __name__ == "__main__":
    main()
