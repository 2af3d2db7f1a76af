# intended: Nothing is left running at the end
import asyncio
import time


class Client:
    """Stands for a websocket: `send` returns once the message is on its way to the client."""

    def __init__(self, name: str, delay: float) -> None:
        self.name, self.delay = name, delay
        self.received: list[tuple[str, float]] = []  # (message, seconds after the broadcast began)

    async def send(self, text: str, started: float) -> None:
        await asyncio.sleep(self.delay)  # a slow reader's buffers are full: the send waits
        self.received.append((text, time.perf_counter() - started))


async def broadcast(clients: list[Client], text: str) -> None:
    started = time.perf_counter()
    for client in clients:
        asyncio.create_task(client.send(text, started))  # returns at once; the slow send lives on
    await asyncio.sleep(0.05)


async def main() -> None:
    clients = [Client("slow", 2.0), Client("ana", 0.01), Client("bo", 0.01)]
    start = time.perf_counter()
    await broadcast(clients, "hello")
    print(f"broadcast returned after {time.perf_counter() - start:.1f}s")
    for client in clients:
        print(client.name, [f"{text} after {after:.1f}s" for text, after in client.received])


asyncio.run(main())
