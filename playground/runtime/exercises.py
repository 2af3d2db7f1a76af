"""The exercises, read from ``exercises/<topic>/<name>/`` and written into the built site.

One folder per exercise is its only source: ``task.md`` (the statement a topic page includes),
``starter.py``, ``solution.py``, ``hints.md`` and ``remarks.md`` (paragraphs, one hint or remark
each), ``check.py`` and the ``wrong_*.py`` answers whose first line names the check they must
fail (``# intended: <check name>``). The tests read them here; the build writes what the page
needs as ``site/exercise-data/<topic>/<name>.json`` plus ``site/exercise-data/index.json``, and the
starter beside the snippet sources (the runnable block links to its file).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from playground.runtime.pins import ROOT
from playground.runtime.snippet_sources import FOLDER as SOURCES_FOLDER

EXERCISES = ROOT / "exercises"
DOCS = ROOT / "docs"
INTENDED = re.compile(r"^# intended: (?P<name>.+)$")
TITLE = re.compile(r"\*\*Exercise: (?P<title>[^*]+?)\.?\*\*")
ANCHOR = re.compile(r'\bid="(?P<id>[^"]+)"')
TOPICS = ("terminology", "async_io", "dependency_injection", "websocket")


def paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]


@dataclass(frozen=True)
class ExerciseFiles:
    folder: Path

    @property
    def id(self) -> str:
        return self.folder.relative_to(EXERCISES).as_posix()

    def text(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    @property
    def title(self) -> str:
        found = TITLE.search(self.text("task.md"))
        return found["title"] if found else self.id

    @property
    def anchor(self) -> str:
        found = ANCHOR.search(self.text("task.md"))
        return found["id"] if found else ""

    def wrong_answers(self) -> dict[str, tuple[str, str]]:
        """``{file name: (source, the check it must fail)}``."""
        found = {}
        for path in sorted(self.folder.glob("wrong_*.py")):
            source = path.read_text(encoding="utf-8")
            intended = INTENDED.match(source.splitlines()[0])
            found[path.name] = (source, intended["name"] if intended else "")
        return found

    def imports(self) -> list[str]:
        """Top-level packages the checked run needs (the page loads their wheels first)."""
        names = set()
        for name in ("solution.py", "check.py"):
            names |= set(re.findall(r"^(?:from|import) (\w+)", self.text(name), re.MULTILINE))
        if "exercise_probes" in self.text("check.py"):
            names.add("httpx")  # the probes drive the app through httpx.ASGITransport
        return sorted(n for n in names if n not in sys.stdlib_module_names and n != "playground")

    def page(self) -> str:
        """The site path of the topic page that includes the task, e.g. ``terminology/``."""
        include = f'"exercises/{self.id}/task.md"'
        for page in sorted(DOCS.glob("*.md")):
            if include in page.read_text(encoding="utf-8"):
                return "" if page.stem == "index" else f"{page.stem}/"
        return ""

    def for_page(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "topic": self.id.split("/")[0],
            "page": self.page(),
            "anchor": self.anchor,
            "starter": self.text("starter.py"),
            "solution": self.text("solution.py"),
            "check": self.text("check.py"),
            "hints": paragraphs(self.text("hints.md")),
            "remarks": paragraphs(self.text("remarks.md")),
            "imports": self.imports(),
        }


def discover(root: Path = EXERCISES) -> list[ExerciseFiles]:
    """Every exercise, in the order of the topics, then by name."""
    folders = [p.parent for p in root.glob("*/*/check.py")]
    order = {topic: i for i, topic in enumerate(TOPICS)}
    return [ExerciseFiles(f) for f in sorted(folders, key=lambda f: (order.get(f.parent.name, 99), f.name))]


def export_exercises(site_dir: Path) -> list[str]:
    """Write the page's exercise files into the site; return the exercise ids."""
    target = site_dir / "exercise-data"  # beside the Exercises page (exercises/), not in it
    target.mkdir(parents=True, exist_ok=True)
    index = []
    for exercise in discover():
        data = exercise.for_page()
        (target / f"{exercise.id}.json").parent.mkdir(parents=True, exist_ok=True)
        (target / f"{exercise.id}.json").write_text(json.dumps(data), encoding="utf-8")
        starter = site_dir / SOURCES_FOLDER / "exercises" / exercise.id / "starter.py"
        starter.parent.mkdir(parents=True, exist_ok=True)
        starter.write_text(exercise.text("starter.py"), encoding="utf-8")
        index.append({key: data[key] for key in ("id", "title", "topic", "page", "anchor")})
    (target / "index.json").write_text(json.dumps(index, indent=1), encoding="utf-8")
    return [entry["id"] for entry in index]  # type: ignore[misc]
