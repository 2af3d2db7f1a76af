"""The playground application: built site at `/`, live endpoints beside it."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles

from playground.isolation import CrossOriginIsolation
from playground.settings import Settings


def site_url_of(sitemap_xml: str) -> str | None:
    """The `site_url` the site was built for: the first `<loc>` is the home page."""
    found = re.search(r"<loc>([^<]+/)</loc>", sitemap_xml)
    return found.group(1) if found else None


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app from settings; a factory so tests can make one per configuration."""
    settings = settings or Settings.from_env()
    app = FastAPI(title="Async FastAPI, Live — playground", version="0.1.0")
    app.state.settings = settings

    @app.get("/healthz", response_class=PlainTextResponse, tags=["meta"])
    async def healthz() -> str:
        """Answers as long as the event loop is free: the lab uses it to prove it stays free."""
        return "ok"

    sitemap = settings.site_dir / "sitemap.xml"
    if sitemap.is_file():
        built_for = site_url_of(sitemap.read_text(encoding="utf-8"))

        @app.get("/sitemap.xml", include_in_schema=False)
        async def sitemap_for_this_origin(request: Request) -> Response:
            """Material's instant navigation only follows links the sitemap lists, by origin.

            The site is built for one `site_url`; rewriting it to the origin the reader actually
            used keeps instant navigation (and the warm runtime it preserves) on any host/port.
            """
            here = str(request.base_url)
            text = sitemap.read_text(encoding="utf-8")
            if built_for:
                text = text.replace(f"<loc>{built_for}", f"<loc>{here}")
            return Response(text, media_type="application/xml")

    if (settings.site_dir / "index.html").is_file():
        # Mounted last: every route above wins over a file of the same name.
        app.mount("/", StaticFiles(directory=settings.site_dir, html=True), name="site")
    else:
        @app.get("/", response_class=PlainTextResponse, include_in_schema=False)
        async def site_missing() -> PlainTextResponse:
            message = (
                f"The site is not built: {settings.site_dir}/index.html does not exist.\n"
                "Run `make serve` (or `make site`) to build it.\n"
            )
            return PlainTextResponse(message, status_code=503)

    app.add_middleware(CrossOriginIsolation)
    return app
