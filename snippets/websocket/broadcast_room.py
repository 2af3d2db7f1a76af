"""A broadcast room: each member has an outbox queue, and a message goes into every outbox."""

import asyncio


class Room:
    def __init__(self) -> None:
        self.outboxes: dict[str, asyncio.Queue[str]] = {}

    def join(self, name: str) -> asyncio.Queue[str]:
        self.outboxes[name] = asyncio.Queue()
        return self.outboxes[name]

    def leave(self, name: str) -> None:
        del self.outboxes[name]

    def broadcast(self, sender: str, text: str) -> None:
        for outbox in self.outboxes.values():
            outbox.put_nowait(f"{sender}: {text}")  # never blocks on a slow member


async def member(room: Room, name: str, expect: int) -> None:
    outbox = room.join(name)
    await asyncio.sleep(0)  # let everyone join before anyone speaks
    room.broadcast(name, f"hello from {name}")
    seen = [await outbox.get() for _ in range(expect)]
    room.leave(name)
    print(f"{name} saw {sorted(seen)}")


async def main() -> None:
    room = Room()
    async with asyncio.TaskGroup() as group:
        for name in ("ana", "ben"):
            group.create_task(member(room, name, expect=2))


asyncio.run(main())
#> ben saw ['ana: hello from ana', 'ben: hello from ben']
#> ana saw ['ana: hello from ana', 'ben: hello from ben']
