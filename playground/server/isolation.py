"""Cross-origin isolation headers on every HTTP response.

The in-page runner stops a running snippet through `SharedArrayBuffer`
(`pyodide.setInterruptBuffer`), which browsers only allow in a cross-origin isolated page.
That needs COOP + COEP on the document and every subresource, so the headers are added by a
pure ASGI middleware: it sees every response, static files included, and leaves websockets alone.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ISOLATION_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-embedder-policy", b"require-corp"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


class CrossOriginIsolation:
    """Adds COOP/COEP/CORP to HTTP responses that do not set them already."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in ISOLATION_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
