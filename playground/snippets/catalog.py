"""Which snippets exist and what kind each one is.

A snippet's kind is declared by its file name, the one way used everywhere (tests, the
playground, the page's runner reads it from the block title):

* ``*_server.py`` — **server**: defines ``app``; the playground mounts it.
* ``*_client.py`` — **client**: talks to the playground from the reader's browser.
* ``*_terminal.py`` — **terminal**: needs what a browser lacks (threads, processes, sockets);
  tested under CPython, shown in the page with the command that runs it.
* anything else — **browser**: runs anywhere, in CPython and in the page.

A file directly in ``snippets/`` (not in a topic folder) is no snippet but a helper that client
snippets import, public like them: ``playground_client.py``. A reader saves it next to the
snippet; the page's Python finds it in its working directory (``worker.js``), the tests on
``PYTHONPATH``.

(Terminal is the kind the others cannot stand in for: `selectors`, threads and processes are part
of the story and cannot run in a browser. Saying so on the block beats a demo that lies.)

A name is visible on the page (the block title) and in every test id, so the kind is never
hidden in a comment the reader has to skip.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Kind(enum.Enum):
    BROWSER = "browser"
    SERVER = "server"
    CLIENT = "client"
    TERMINAL = "terminal"

    @classmethod
    def of(cls, path: Path) -> Kind:
        stem = path.stem
        if stem.endswith("_server"):
            return cls.SERVER
        if stem.endswith("_client"):
            return cls.CLIENT
        if stem.endswith("_terminal"):
            return cls.TERMINAL
        return cls.BROWSER


@dataclass(frozen=True)
class Snippet:
    path: Path
    relative: str  # as pages include it, e.g. "terminology/coroutine_object.py"

    @property
    def kind(self) -> Kind:
        return Kind.of(self.path)

    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")


def discover(snippets_dir: Path) -> list[Snippet]:
    """Every snippet file, sorted so test ids and page order are stable."""
    found = []
    for path in sorted(snippets_dir.rglob("*.py")):
        if "__pycache__" in path.parts or path.name.startswith("_"):
            continue
        if path.parent == snippets_dir:  # a helper the snippets import (playground_client.py)
            continue
        found.append(Snippet(path=path, relative=path.relative_to(snippets_dir).as_posix()))
    return found
