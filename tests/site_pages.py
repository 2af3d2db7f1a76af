"""The site's pages, listed once: `nav` in mkdocs.yml, as URL paths; and which page includes a
snippet. For the build checks, the browser tests and the Lighthouse benchmark alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from tests.paths import DOCS, ROOT


def nav_pages() -> list[str]:
    """The site's pages as `nav` in mkdocs.yml lists them, as URL paths ("/", "/lab/", ...)."""

    Loader: Any = type("Loader", (yaml.SafeLoader,), {})  # a subclass, so the tag below stays ours
    # mkdocs.yml may hold !!python/name tags (emoji, superfences): read them as plain strings.
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)  # noqa: S506 - a SafeLoader subclass

    def walk(items: list[Any]) -> Iterator[str]:
        for item in items:
            value = item if isinstance(item, str) else next(iter(item.values()))
            if isinstance(value, list):
                yield from walk(value)
            elif value.endswith(".md"):
                yield url_path(value)

    return list(walk(config["nav"]))


def url_path(page: str) -> str:
    """A page's URL path from its file under docs/ ("index.md" -> "/", "lab.md" -> "/lab/")."""
    stem = page.removesuffix(".md")
    return "/" if stem == "index" else f"/{stem.removesuffix('/index')}/"


def built_file(path: str) -> str:
    """Where a URL path's page lies in the built site ("/" -> "index.html")."""
    return path.strip("/") + "/index.html" if path != "/" else "index.html"


def page_of(relative: str) -> str:
    """The URL path of the page that includes a snippet."""
    for page in sorted(DOCS.rglob("*.md")):
        if f'--8<-- "{relative}"' in page.read_text(encoding="utf-8"):
            return url_path(page.relative_to(DOCS).as_posix())
    raise AssertionError(f"no page includes {relative}")
