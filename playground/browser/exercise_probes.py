"""How a check talks to the reader's FastAPI app: in-process, through ASGI, in the same event loop.

The page's worker has no sockets and no threads, so the check cannot start a server: HTTP goes
through ``httpx.ASGITransport`` (as the site's ``*_asgi.py`` snippets do) and a websocket is
driven with ASGI messages through two queues — what uvicorn would do, without the network. Every
wait on the app has a deadline, so a reader's endpoint that never answers fails a check instead
of hanging it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


def http_client(app: Any) -> httpx.AsyncClient:
    """An httpx client whose requests go straight into ``app`` (``raise_app_exceptions=False``:
    an endpoint's exception becomes the 500 a server would answer, a status the check can name)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://exercise")


class Closed(Exception):
    """The app closed the websocket (or ended the connection) while the check waited for a message."""

    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(f"closed with code {code}" + (f" ({reason})" if reason else ""))
        self.code, self.reason = code, reason


class WebSocketProbe:
    """One websocket conversation with the app: ``await probe.connect()``, ``send_text``,
    ``receive_text(deadline_s)``, ``disconnect()``. The app runs as a task of the probe's loop."""

    def __init__(self, app: Any, path: str) -> None:
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"exercise")],
            "scheme": "ws",
            "client": ("127.0.0.1", 50000),
            "server": ("exercise", 80),
            "subprotocols": [],
            "state": {},
        }
        self.app_task = asyncio.ensure_future(self._serve(app, scope))
        self.app_error: BaseException | None = None

    async def _serve(self, app: Any, scope: dict[str, Any]) -> None:
        try:
            await app(scope, self.to_app.get, self.from_app.put)
        except Exception as error:  # the endpoint's error is the check's to report
            self.app_error = error
        finally:
            await self.from_app.put({"type": "websocket.close", "code": 1006, "reason": "the endpoint returned"})

    async def connect(self, deadline_s: float = 2.0) -> None:
        await self.to_app.put({"type": "websocket.connect"})
        message = await self._next(deadline_s)
        if message["type"] != "websocket.accept":
            raise Closed(message.get("code"), message.get("reason", ""))

    async def send_text(self, text: str) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": text})

    async def _next(self, deadline_s: float) -> dict[str, Any]:
        return await asyncio.wait_for(self.from_app.get(), deadline_s)

    async def receive_text(self, deadline_s: float = 1.0) -> str:
        """The next text message; ``TimeoutError`` when none came in time, ``Closed`` on a close."""
        message = await self._next(deadline_s)
        if message["type"] == "websocket.close":
            raise Closed(message.get("code"), message.get("reason", ""))
        return str(message.get("text", message.get("bytes", "")))

    async def disconnect(self, deadline_s: float = 1.0) -> bool:
        """The client goes away; True when the endpoint then returned within ``deadline_s``."""
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000, "reason": ""})
        done, _ = await asyncio.wait({self.app_task}, timeout=deadline_s)
        if not done:
            self.app_task.cancel()
            await asyncio.wait({self.app_task})
        return bool(done)


class Answer:
    """One HTTP exchange driven by hand: when the response was complete (the client has it), and
    when the app's ASGI call returned (background tasks run in between)."""

    def __init__(self) -> None:
        self.status = 0
        self.body = b""
        self.answered_after = 0.0  # seconds until the last body chunk was sent
        self.returned_after = 0.0  # seconds until the ASGI call returned


async def request_by_hand(app: Any, method: str, path: str, query: str = "") -> Answer:
    """``method path?query`` straight into the app: httpx's ASGITransport answers only when the
    ASGI call returns, after the background tasks; a client over a network has it earlier."""
    answer = Answer()
    start = asyncio.get_running_loop().time()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"exercise")],
        "client": ("127.0.0.1", 50000),
        "server": ("exercise", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")
            if not message.get("more_body", False):
                answer.answered_after = asyncio.get_running_loop().time() - start

    await app(scope, receive, send)
    answer.returned_after = asyncio.get_running_loop().time() - start
    return answer
