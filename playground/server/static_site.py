"""The built site, served with the cache headers each kind of file deserves.

Pinned runtime files never change under the same URL (the Pyodide version is in their folder;
compiled files sit in a folder named by the hash of their input and compiler), and neither do the
theme's own scripts and stylesheets, whose names carry the hash of their content
(`bundle.a5f9d56c.min.js`), nor the chunk our two bundles share (`chunk-K2LS6M3V.js`): browsers
may keep them for a year without asking again. Every other file is revalidated on each visit
(`no-cache` still lets the browser reuse it after a 304), so a rebuilt page is seen at once.
Each revalidation counts against the address's request rate: a page load asked for 52 files, 48
of them revalidated, until the build bundled the site's own modules
(`playground/runtime/scripts.py`); now 18 files, 9 revalidated (measured in Chromium).
"""

from __future__ import annotations

import mimetypes
import os
import re
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

IMMUTABLE = re.compile(
    r"^runtime/(pyodide-[^/]+/.+|compiled/[0-9a-f]{16}/.+)$"
    r"|^assets/(javascripts|stylesheets)/(workers/)?[a-z]+\.[0-9a-f]{8}\.min\.(js|css)$"  # the theme's
    r"|^assets/javascripts/chunks/chunk-[A-Z0-9]{8}\.js$"  # our bundles' shared chunk (runtime/scripts.py)
)
LONG_LIVED = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def cache_control_for(path: str) -> str:
    return LONG_LIVED if IMMUTABLE.match(path) else REVALIDATE


def accepts_gzip(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


class SiteFiles(StaticFiles):
    """Static files with cache headers, and the build's `.gz` twin when the client takes gzip.

    The twin is chosen in `file_response`, before Starlette compares validators, so it is a
    representation of its own: its ETag and Last-Modified are the `.gz` file's, a revalidation
    of it gets 304, and the identity bytes keep their own ETag (RFC 9110 §8.8.3)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # full path -> its `.gz` twin's stat, taken where Starlette stats the file itself: in a
        # worker thread (`lookup_path`), never on the event loop. Bounded by the site's files.
        self._twins: dict[str, os.stat_result] = {}

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        full_path, stat_result = super().lookup_path(path)
        if stat_result is not None:
            try:
                self._twins[full_path] = os.stat(full_path + ".gz")
            except FileNotFoundError:
                self._twins.pop(full_path, None)
        return full_path, stat_result

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        packed_stat = self._twins.get(str(full_path)) if status_code == 200 else None
        if packed_stat is None or not accepts_gzip(scope):
            response = super().file_response(full_path, stat_result, scope, status_code)
        else:
            media_type = mimetypes.guess_type(str(full_path))[0] or "application/octet-stream"
            response = FileResponse(
                str(full_path) + ".gz",
                media_type=media_type,
                stat_result=packed_stat,
                headers={"content-encoding": "gzip"},
            )
            if self.is_not_modified(response.headers, Headers(scope=scope)):
                response = NotModifiedResponse(response.headers)
        if packed_stat is not None:  # two representations: caches must key on Accept-Encoding
            response.headers["vary"] = "Accept-Encoding"
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["cache-control"] = cache_control_for(path.lstrip("/"))
        return response


def site_url_of(sitemap_xml: str) -> str | None:
    """The `site_url` the site was built for: the first `<loc>` is the home page."""
    found = re.search(r"<loc>([^<]+/)</loc>", sitemap_xml)
    return found.group(1) if found else None


def sitemap_for(request: Request, text: str) -> Response:
    """Material's instant navigation only follows links the sitemap lists, by origin.

    The site is built for one `site_url`; rewriting it to the origin the reader actually used keeps
    instant navigation (and the warm Python runtime it preserves) on any host and port. `text` is
    the sitemap as read once at start-up (`app`): no file read on the event loop per request.
    """
    built_for = site_url_of(text)
    if built_for:
        text = text.replace(f"<loc>{built_for}", f"<loc>{request.base_url}")
    return Response(text, media_type="application/xml", headers={"cache-control": REVALIDATE})
