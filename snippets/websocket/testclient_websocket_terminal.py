"""Testing websockets with FastAPI's TestClient: `websocket_connect` is a
context manager, each send/receive is a step, and the server side runs for real
(in a thread, which is why this cannot run in the page). No sleeps: every
receive waits for its message.
"""

import warnings

from fastapi import FastAPI, Response, WebSocket, WebSocketDisconnect, WebSocketException

# Starlette 1.10 suggests the `httpx2` package for its test client; with `httpx` it works the same.
warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402
from starlette.testclient import WebSocketDenialResponse  # noqa: E402

app = FastAPI()
TOKENS = {"t-123": "ada"}


@app.websocket("/ws/echo")
async def echo(websocket: WebSocket, token: str = "") -> None:
    if token not in TOKENS:
        raise WebSocketException(code=1008, reason="not signed in")
    await websocket.accept()
    async for text in websocket.iter_text():  # ends quietly when the client leaves
        await websocket.send_text(f"{TOKENS[token]}: {text}")
    print(f"server: {TOKENS[token]} left")


@app.websocket("/ws/denied")
async def denied(websocket: WebSocket) -> None:
    challenge = {"WWW-Authenticate": "Bearer"}  # a 401 must say how to authenticate
    await websocket.send_denial_response(Response(status_code=401, headers=challenge))


client = TestClient(app)

with client.websocket_connect("/ws/echo?token=t-123") as ws:
    ws.send_text("hello")
    print("client got:", ws.receive_text())
#> client got: ada: hello
#> server: ada left

try:
    with client.websocket_connect("/ws/echo?token=nope"):
        pass
except WebSocketDisconnect as refused:  # the test client sees the close a browser never does
    print("refused:", refused.code, refused.reason)
#> refused: 1008 not signed in

try:
    with client.websocket_connect("/ws/denied"):
        pass
except WebSocketDenialResponse as response:  # a denial response is an HTTP response
    print("denied:", response.status_code, response.headers["www-authenticate"])
#> denied: 401 Bearer
