"""Bounds on plain HTTP: a request rate per client address, and a request body size.

The static site, the lab and the mounted snippets all sit behind it, so no client can take more
than its share of the server. Over the rate: 429 with Retry-After; over the body size: 413.
Websockets are left to `ws_guard`, which has limits of its own.
"""

from __future__ import annotations

import json
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from playground.server.settings import Settings
from playground.server.token_bucket import TokenBucket

MAX_TRACKED = 10_000  # addresses remembered at once; idle ones are forgotten first


class HttpGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.buckets: dict[str, TokenBucket] = {}

    def _bucket(self, address: str) -> TokenBucket:
        bucket = self.buckets.get(address)
        if bucket is None:
            if len(self.buckets) >= MAX_TRACKED:
                self._forget_idle()
            bucket = self.buckets[address] = TokenBucket(self.settings.http_requests_per_second,
                                                         self.settings.http_request_burst)
        return bucket

    def _forget_idle(self) -> None:
        # A bucket untouched long enough to be full again holds nothing worth remembering.
        refill = self.settings.http_request_burst / self.settings.http_requests_per_second
        now = time.monotonic()
        self.buckets = {a: b for a, b in self.buckets.items() if now - b.stamp < refill}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        if not self._bucket(address).take():
            await _refuse(send, 429, "too many requests from your address; slow down",
                          [(b"retry-after", b"1")])
            return
        limit = self.settings.http_max_body_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, f"request body of {int(declared)} bytes exceeds the {limit}-byte limit")
            return

        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a chunked body that did not declare its length
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, bounded_receive, send)
        except BodyTooLarge as error:
            await _refuse(send, 413, str(error))


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds the {limit}-byte limit")


async def _refuse(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
