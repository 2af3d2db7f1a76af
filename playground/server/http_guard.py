"""A request rate per client address, for plain HTTP and websocket handshakes alike.

The static site, the lab, the mounted snippets and every websocket endpoint sit behind it, so no
client can take more than its share of the server: over the rate, 429 with Retry-After (a
websocket handshake gets the same 429 as its HTTP answer). It sits inside CORS and the isolation
headers, so a cross-origin page sees the 429 rather than a network error.

The buckets live in an `AddressLimits` store (`address_limits`): in this process's memory by
default, in Redis with `--redis-url` (one rate for every process; see `address_limits_redis`).
In memory, buckets are kept per address in an LRU of at most `http_max_clients` entries: finding, touching
and evicting a bucket are O(1) (OrderedDict), so a flood of distinct addresses costs the same
per request as one address and never more memory than the cap. An address forgotten under that
pressure starts again with a full burst, which is what it would have had after a quiet spell.

Behind the rate, the body size: Starlette's RequestBodyLimitMiddleware, 413 for a declared or a
chunked body over `http_max_body_bytes` (it raises from `receive`, so the endpoint reading the
body answers 413 through the usual exception handling, with CORS and isolation headers).

A GET or HEAD has no body the playground reads; when one comes anyway, it is read (up to the
same limit) and dropped *before* the app answers. Counting it while a static file streams out
would end in a cut-off 200 (the limit trips mid-response, the connection resets); serving it
unread would close the connection on unread bytes, which resets it too. Over the limit: 413.
"""

from __future__ import annotations

import json

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.status import HTTP_413_CONTENT_TOO_LARGE, HTTP_429_TOO_MANY_REQUESTS, WS_1013_TRY_AGAIN_LATER
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from playground.server.address_limits import AddressLimits, client_address, local_limits, retry_after_header
from playground.server.metrics import refused
from playground.server.settings import Settings


class HttpGuard:
    def __init__(self, app: ASGIApp, settings: Settings, limits: AddressLimits | None = None) -> None:
        self.app = app
        self.limited = RequestBodyLimitMiddleware(app, max_body_size=settings.http_max_body_bytes)
        self.max_body = settings.http_max_body_bytes
        self.limits = limits or local_limits(settings)
        # /healthz is counted in this process's memory even with Redis: a health check that waits
        # on a slow Redis (0.5 s during DEBUG SLEEP) reports the server slow, and it is not.
        self.health_limits = local_limits(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        limits = self.health_limits if scope["path"] == "/healthz" else self.limits
        allowed, wait = await limits.take_request(address)
        if allowed:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
            elif scope["method"] in ("GET", "HEAD") and _has_body(scope):
                await self._read_and_drop_body(scope, receive, send)
            else:
                await self.limited(scope, receive, send)
            return
        refused("http_rate")
        detail = "too many requests from your address; slow down"
        retry_after = retry_after_header(wait)
        if scope["type"] == "http":
            await _answer(send, HTTP_429_TOO_MANY_REQUESTS, detail, [(b"retry-after", retry_after)])
            return
        body = json.dumps({"detail": detail}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", retry_after),
        ]
        if "websocket.http.response" in scope.get("extensions", {}):
            await receive()  # websocket.connect
            await send(
                {"type": "websocket.http.response.start", "status": HTTP_429_TOO_MANY_REQUESTS, "headers": headers}
            )
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await receive()
            await send(
                {
                    "type": "websocket.close",
                    "code": WS_1013_TRY_AGAIN_LATER,
                    "reason": "too many requests from your address",
                }
            )

    async def _read_and_drop_body(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            received += len(message.get("body", b""))
            if received > self.max_body:
                refused("body_too_large")
                await _answer(
                    send,
                    HTTP_413_CONTENT_TOO_LARGE,
                    f"request body exceeds the {self.max_body}-byte limit",
                    [(b"connection", b"close")],
                )
                return
            if not message.get("more_body", False):
                break
        drained = False

        async def receive_after_body() -> Message:
            nonlocal drained
            if not drained:
                drained = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return await receive()

        await self.app(scope, receive_after_body, send)


def _has_body(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"0", b"")):
            return True
    return False


async def _answer(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
