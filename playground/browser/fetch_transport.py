"""``httpx.AsyncClient`` in the page: its requests go through the browser's ``fetch``.

A browser gives Python no sockets. httpx's own async transport opens one through anyio, and the
page's event loop refuses: ``NotImplementedError: sock_connect()``, at the bottom of a 94-line
``ExceptionGroup``. The worker patches :class:`httpx.AsyncHTTPTransport` (the transport every
``AsyncClient`` makes unless given another) when httpx is first imported, so that the most common
async client code runs as written, the way ``snippets/playground_client.py`` reaches the playground.

What ``fetch`` does differently, said here once:

* the browser follows redirects itself (the response is the last one);
* the body is read whole, then handed to httpx (no streaming);
* the browser decompresses the body, so ``content-encoding`` is dropped from the headers;
* another origin answers only if it allows this page (CORS): a refusal looks like a network
  failure, and is reported as ``httpx.ConnectError`` with one sentence that says so.

Nothing here imports from the rest of ``playground`` but :mod:`explain`: this file runs in the
worker. Tested in the browser (tests/test_runner_in_browser.py), since it needs ``fetch``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from playground.browser.explain import HINT_ATTRIBUTE

FETCH_FAILED = (
    "The browser's fetch could not reach {url}: nothing answered there, or the server does not "
    "allow requests from this page (CORS). httpx.AsyncClient in the page sends its requests "
    "with fetch; the playground allows this page, other sites mostly do not."
)

# Headers the browser sets itself and refuses from a script (the Fetch standard's forbidden
# request headers that httpx sends by default).
_BROWSER_OWNED = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}
# Headers that describe the bytes on the wire, not the decompressed body fetch hands over.
_WIRE_ONLY = {"content-encoding", "content-length", "transfer-encoding"}


def patch_httpx(httpx: ModuleType) -> None:
    """Make ``httpx.AsyncHTTPTransport`` send with fetch (called right after httpx is imported)."""

    async def handle_async_request(self: Any, request: Any) -> Any:
        from pyodide.http import pyfetch  # type: ignore[import-not-found]

        body = await request.aread()
        options: dict[str, Any] = {
            "method": request.method,
            "headers": [[k, v] for k, v in request.headers.multi_items() if k.lower() not in _BROWSER_OWNED],
        }
        if body:
            options["body"] = body
        try:
            response = await pyfetch(str(request.url), **options)
            content = await response.bytes()
        except Exception as failure:  # fetch fails with a bare TypeError in JS
            error = httpx.ConnectError(f"fetch failed: {failure}", request=request)
            setattr(error, HINT_ATTRIBUTE, FETCH_FAILED.format(url=request.url))
            raise error from None
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _WIRE_ONLY]
        return httpx.Response(
            response.status,
            headers=headers,
            content=content,
            request=request,
            extensions={"reason_phrase": str(response.status_text).encode()},
        )

    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request
