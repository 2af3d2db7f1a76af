"""The site's pages, listed once: `nav` in mkdocs.yml, as URL paths; and which page includes a
snippet. For the build checks, the browser tests and the Lighthouse benchmark alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
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


# What `make site` builds from (the Makefile's SITE_SOURCES, and the locks its prerequisites install):
# site/ is fresh when its stamp is newer than every one of them.
SITE_INPUTS = ("mkdocs.yml", "browser-pins.toml", "requirements.txt", "pyproject.toml", "package-lock.json")
SITE_INPUT_DIRS = ("docs", "snippets", "exercises", "frontend", "playground")


def fresh_site(root: Path = ROOT) -> Path | None:
    """``site/`` when `make site` built it from the sources as they are now, else None.

    `make test` builds the site first (the Makefile's stamp rule, with the same `--strict` build and
    runtime step as conftest's ``built_site``), so a second build per run would only cost a minute.
    A site older than any of its inputs, or one never finished (no stamp), is not used."""
    stamp = root / "site" / ".built"
    if not stamp.is_file():
        return None
    built = stamp.stat().st_mtime
    inputs = [root / name for name in SITE_INPUTS] + [
        path
        for folder in SITE_INPUT_DIRS
        for path in (root / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    return None if any(path.stat().st_mtime > built for path in inputs) else root / "site"


def theme_files(site: Path) -> list[str]:
    """The theme's scripts and stylesheets named by their content's hash (bundle first), as paths
    in the site: the files the playground and nginx serve immutable."""
    assets = site / "assets"
    found = [
        *assets.glob("javascripts/bundle.*.min.js"),
        *assets.glob("javascripts/workers/*.min.js"),
        *assets.glob("stylesheets/*.min.css"),
    ]
    return [path.relative_to(site).as_posix() for path in found]


def bundle_chunks(site: Path) -> list[str]:
    """The chunks the site's own bundles share (playground/runtime/scripts.py), named by their
    content's hash, as paths in the site: served immutable too."""
    return [path.relative_to(site).as_posix() for path in sorted((site / "assets/javascripts/chunks").glob("*.js"))]
