"""The two contracts between a Python web server and an application, called by hand.

WSGI (PEP 3333; gunicorn, uWSGI -> Flask, Django): the server calls `app(environ,
start_response)` once per request and gets the body back. The call holds a worker until it
returns: concurrency comes from more workers.

ASGI (uvicorn, Hypercorn -> Starlette, FastAPI): the server awaits `app(scope, receive, send)`.
The request arrives through `await receive()`, the response leaves through `await send(...)`,
as messages; every `await` lets the server's event loop run other connections.
"""

import asyncio


def wsgi_app(environ: dict, start_response) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"hello from WSGI, you asked for {environ['PATH_INFO']}".encode()]


async def asgi_app(scope: dict, receive, send) -> None:
    request = await receive()  # the body, as a message
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body",
                "body": f"hello from ASGI, you asked for {scope['path']} ({len(request['body'])} bytes)".encode()})


# What gunicorn does for one request, reduced to the call:
def start_response(status: str, headers: list[tuple[str, str]]) -> None:
    print(f"WSGI start_response: {status} {headers}")


body = wsgi_app({"REQUEST_METHOD": "GET", "PATH_INFO": "/orders"}, start_response)
#> WSGI start_response: 200 OK [('Content-Type', 'text/plain')]
print(f"WSGI returned: {body}")
#> WSGI returned: [b'hello from WSGI, you asked for /orders']


# What uvicorn does for one request, reduced to the call:
async def serve_one_asgi_request() -> None:
    scope = {"type": "http", "method": "GET", "path": "/orders", "headers": []}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        print(f"ASGI send: {message}")

    await asgi_app(scope, receive, send)


asyncio.run(serve_one_asgi_request())
#> ASGI send: {'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]}
#> ASGI send: {'type': 'http.response.body', 'body': b'hello from ASGI, you asked for /orders (0 bytes)'}
