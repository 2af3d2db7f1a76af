"""Every server snippet, mounted under `/snippets/<topic>/<name>/`, so the page's client snippet
talks to exactly the code the page shows. A snippet that fails to import does not take the
playground down: it is reported at `/snippets/` and left out."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from starlette.types import ASGIApp

from playground.snippets.catalog import Kind, Snippet, discover


@dataclass(frozen=True)
class Mounted:
    snippet: Snippet
    path: str
    app: ASGIApp | None
    error: str | None = None


def mount_path(snippet: Snippet) -> str:
    return "/snippets/" + snippet.relative.removesuffix(".py")


def load_app(snippet: Snippet) -> ASGIApp:
    name = "playground_snippet_" + snippet.relative.removesuffix(".py").replace("/", "_")
    spec = importlib.util.spec_from_file_location(name, snippet.path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {snippet.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the snippet's annotations through it
    spec.loader.exec_module(module)
    app = getattr(module, "app", None)
    if not callable(app):
        raise TypeError(f"{snippet.relative} defines no ASGI `app`")
    return cast(ASGIApp, app)  # callable is all we can check of an ASGI app before it runs


def server_snippets(snippets_dir: Path) -> list[Mounted]:
    mounted = []
    for snippet in discover(snippets_dir):
        if snippet.kind is not Kind.SERVER:
            continue
        try:
            mounted.append(Mounted(snippet, mount_path(snippet), load_app(snippet)))
        except Exception as error:  # one broken snippet must not stop the server
            mounted.append(Mounted(snippet, mount_path(snippet), None, f"{type(error).__name__}: {error}"))
    return mounted
