# intended: The endpoint ends quietly when a client leaves
import asyncio

from fastapi import FastAPI, WebSocket

app = FastAPI()
room: list[WebSocket] = []  # everyone connected to the chat


@app.websocket("/chat")
async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    room.append(websocket)
    try:
        while True:
            message = await websocket.receive()  # the raw message: a disconnect is just one more
            if "text" in message:
                for member in room:
                    await member.send_text(message["text"])
    finally:
        room.remove(websocket)


async def main() -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    sent: list[dict] = []
    scope = {"type": "websocket", "path": "/chat", "headers": [], "query_string": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    for message in (
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": "hi"},
        {"type": "websocket.disconnect", "code": 1000},
    ):
        inbox.put_nowait(message)
    try:
        await app(scope, inbox.get, send)
    except Exception as error:  # a server would log this and close the connection with 1011
        print("the endpoint raised", type(error).__name__)
    print([m.get("text", m["type"]) for m in sent], "room size:", len(room))


asyncio.run(main())
