"""One FastAPI request, raw ASGI messages in and out, and which library does which part.

uvicorn (played here by `serve_one`): reads bytes from the socket, parses HTTP, builds `scope`,
  hands the body over through `receive`, turns what arrives through `send` back into bytes.
Starlette: the `Request`, the routing, the `Response` that calls `send`.
FastAPI: reads the endpoint's signature and decides what to validate and what to inject.
Pydantic: validates the body into `Order` ("2" becomes 2) and the return value into JSON.
AnyIO: under Starlette, the task groups and the threadpool for `def` functions.
"""

import asyncio

from fastapi import FastAPI, Request
from pydantic import BaseModel


class Order(BaseModel):
    item: str
    quantity: int


app = FastAPI()


@app.post("/orders", status_code=201)
async def create_order(order: Order, request: Request) -> Order:
    print(f"Starlette routed {request.method} {request.url.path} to {request.scope['endpoint'].__name__}()")
    print(f"Pydantic validated the body into {order!r}")
    return order


async def serve_one(method: str, path: str, body: bytes) -> None:
    """What uvicorn does for one HTTP request, minus the socket and the parsing of HTTP."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000), "headers": [(b"content-type", b"application/json")],
    }

    async def receive() -> dict:
        print(f"uvicorn -> receive(): http.request, body {body!r}")
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        details = message.get("status", message.get("body"))
        print(f"uvicorn <- send(): {message['type']}, {details!r}")

    await app(scope, receive, send)


asyncio.run(serve_one("POST", "/orders", b'{"item": "tea", "quantity": "2"}'))
#> uvicorn -> receive(): http.request, body b'{"item": "tea", "quantity": "2"}'
#> Starlette routed POST /orders to create_order()
#> Pydantic validated the body into Order(item='tea', quantity=2)
#> uvicorn <- send(): http.response.start, 201
#> uvicorn <- send(): http.response.body, b'{"item":"tea","quantity":2}'
