"""A slow client must not slow down everyone else. Give each client a bounded outbox; when it
fills, that client is behind for good: disconnect it (the playground closes with 1013)."""

import asyncio


class Client:
    def __init__(self, name: str, read_delay: float) -> None:
        self.name, self.read_delay = name, read_delay
        self.outbox: asyncio.Queue[int] = asyncio.Queue(maxsize=5)
        self.received: list[int] = []
        self.dropped = False

    async def read(self) -> None:
        while not self.dropped:
            self.received.append(await self.outbox.get())
            await asyncio.sleep(self.read_delay)  # the network to this client


def broadcast(clients: list[Client], update: int) -> None:
    for client in clients:
        if client.dropped:
            continue
        try:
            client.outbox.put_nowait(update)  # never await a client: that would block the loop
        except asyncio.QueueFull:
            client.dropped = True
            print(f"dropped {client.name}: 5 updates behind at update {update}")


async def main() -> None:
    clients = [Client("fast", 0.001), Client("slow", 1.0)]
    readers = [asyncio.create_task(client.read()) for client in clients]
    for update in range(1, 21):
        broadcast(clients, update)
        await asyncio.sleep(0.01)
    for reader in readers:
        reader.cancel()
    for client in clients:
        print(f"{client.name}: got {len(client.received)} of 20")


asyncio.run(main())
#> dropped slow: 5 updates behind at update 7
#> fast: got 20 of 20
#> slow: got 1 of 20
