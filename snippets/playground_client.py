"""A small helper the client snippets import: talk to the playground the same way in a terminal
and in the page. Save it next to a client snippet you copy.

In a terminal (CPython) it is plain ``httpx`` and ``websockets``. In the page, Python runs in the
browser, which has no sockets: HTTP goes through the browser's ``fetch`` (``pyodide.http.pyfetch``)
and websockets through the browser's own ``WebSocket``. This file hides that one difference and
nothing else::

    from playground_client import connect

    async with connect("/ws/echo") as ws:
        await ws.send("hi")
        print(await ws.recv())

Where is the playground? In a terminal: ``$PLAYGROUND_URL``, default ``http://127.0.0.1:8000``.
In the page: the origin that served it (or the one chosen with ``?playground=``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import ssl
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

IN_BROWSER = sys.platform == "emscripten"
DEFAULT_URL = "http://127.0.0.1:8000"
# How long closing a page websocket waits for the browser's close event (the server's answer to
# our close frame; milliseconds on loopback) before it lets the socket go without it.
CLOSE_WAIT_S = 2.0


class PlaygroundUnavailable(ConnectionError):
    """The playground did not answer; the message says how to start it."""

    def __init__(self, url: str, detail: str = "") -> None:
        super().__init__(
            f"the playground did not answer at {url}{f' ({detail})' if detail else ''}. "
            "Start it with `make serve` (http://127.0.0.1:8000), or point to it with "
            "PLAYGROUND_URL in a terminal, ?playground=<url> in the page."
        )


def base_url() -> str:
    if IN_BROWSER:
        import js

        # A worker has no localStorage; the page hands its choice over in the worker's name.
        chosen = getattr(js, "PLAYGROUND_URL", None) or str(js.location.origin)
        return str(chosen).rstrip("/")
    return os.environ.get("PLAYGROUND_URL", DEFAULT_URL).rstrip("/")


def url_for(path: str, websocket: bool = False) -> str:
    url = base_url() + "/" + path.lstrip("/")
    if websocket:
        url = "ws" + url.removeprefix("http")
    return url


async def get_json(path: str) -> Any:
    """GET a playground path and decode its JSON body."""
    return (await request_json("GET", path))[1]


async def request_json(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """(status, decoded JSON) of a request to the playground."""
    url = url_for(path)
    if IN_BROWSER:
        from pyodide.http import pyfetch

        options: dict[str, Any] = {"method": method}
        if body is not None:
            options |= {"body": json.dumps(body), "headers": {"content-type": "application/json"}}
        try:
            response = await pyfetch(url, **options)
        except Exception as error:  # a failed fetch is a TypeError in JS
            raise PlaygroundUnavailable(base_url(), str(error)) from None
        return response.status, await response.json()
    import httpx

    try:
        async with httpx.AsyncClient(timeout=30, verify=_tls_context()) as client:
            response = await client.request(method, url, json=body)
    except httpx.TransportError as error:
        raise PlaygroundUnavailable(base_url(), type(error).__name__) from None
    return response.status_code, response.json()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs tens of milliseconds, which would show up in every
    timing a client snippet prints."""
    return ssl.create_default_context()


class BrowserWebSocket:
    """The browser's WebSocket, with an awaitable ``recv`` fed by its message events."""

    def __init__(self, url: str) -> None:
        import js
        from pyodide.ffi import create_proxy

        self.url = url
        self.inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.close_reason = ""
        self.socket = js.WebSocket.new(url)
        self.socket.binaryType = "arraybuffer"
        self._proxies = [create_proxy(self._on_open), create_proxy(self._on_message), create_proxy(self._on_close)]
        self.socket.onopen, self.socket.onmessage, self.socket.onclose = self._proxies

    def _on_open(self, _event: Any) -> None:
        if not self.opened.done():
            self.opened.set_result(None)

    def _on_message(self, event: Any) -> None:
        data = event.data
        self.inbox.put_nowait(data if isinstance(data, str) else bytes(data.to_py()))

    def _on_close(self, event: Any) -> None:
        self.close_reason = f"closed with {event.code}" + (f": {event.reason}" if event.reason else "")
        if not self.opened.done():
            self.opened.set_exception(PlaygroundUnavailable(base_url(), self.close_reason))
        if not self.closed.done():
            self.closed.set_result(None)
        self.inbox.put_nowait(None)

    async def send(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            from pyodide.ffi import to_js

            self.socket.send(to_js(message))
        else:
            self.socket.send(message)

    async def recv(self) -> str | bytes:
        message = await self.inbox.get()
        if message is None:
            self.inbox.put_nowait(None)  # every later recv sees the close too
            raise ConnectionError(f"websocket {self.close_reason}")
        return message

    async def close(self) -> None:
        """Close, and free the event handlers only once the browser has said the socket closed.
        The close event comes after the server answers the close frame, so it fires after
        ``close()`` returns: a handler destroyed before then is a destroyed object the browser
        still calls ("Object has already been destroyed", an uncaught error in the worker that
        took the runtime down a second after a client snippet had finished)."""
        self.socket.close(1000, "done")
        try:
            await asyncio.wait_for(asyncio.shield(self.closed), CLOSE_WAIT_S)
        except TimeoutError:
            pass  # no answer from the server: let the socket go without its close event
        finally:  # cancelled (Stop) included: detached, the browser no longer calls them
            self.socket.onopen = self.socket.onmessage = self.socket.onclose = None
            for proxy in self._proxies:
                proxy.destroy()


@asynccontextmanager
async def connect(path: str) -> AsyncIterator[Any]:
    """A websocket to a playground path; ``send``, ``recv`` and closing on exit."""
    url = url_for(path, websocket=True)
    if IN_BROWSER:
        page_socket = BrowserWebSocket(url)
        await page_socket.opened
        try:
            yield page_socket
        finally:
            await page_socket.close()
        return
    from websockets.asyncio.client import connect as ws_connect

    try:
        connection = await ws_connect(url)
    except OSError as error:
        raise PlaygroundUnavailable(base_url(), type(error).__name__) from None
    async with connection as ws:
        yield ws
