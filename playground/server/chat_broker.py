"""Chat rooms shared by several worker processes, through one small hub.

With `--workers N`, uvicorn runs N processes, each with its own memory: rooms kept in memory
would split readers between processes, and two people in "the same" room would not see each
other. So with more than one worker, rooms live in a hub — a Unix-socket server in the supervising
process — and each worker keeps only its own connections:

* a worker asks the hub to admit a member (the hub enforces the room limits for all workers and
  answers with the room's members), and tells it when a member leaves;
* a worker sends each chat event to the hub, which stamps it with its own clock and sends it to
  every worker; each worker hands it to its local members of that room.

The wire format is one JSON object per line. `SharedRooms` has the same interface as the
in-process `chat.Rooms`, so the chat endpoint does not know which one it talks to.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from playground.server.chat import Member


class Hub:
    """Room membership and fan-out for all workers. Runs in its own thread and event loop."""

    def __init__(self, path: Path, max_rooms: int, max_members: int) -> None:
        self.path, self.max_rooms, self.max_members = path, max_rooms, max_members
        self.rooms: dict[str, set[str]] = {}
        self.workers: dict[asyncio.StreamWriter, set[tuple[str, str]]] = {}
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    def start_in_thread(self) -> None:
        threading.Thread(target=lambda: asyncio.run(self.serve()), name="chat-hub", daemon=True).start()
        if not self.ready.wait(10):
            raise RuntimeError("the chat hub did not start")

    async def serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        server = await asyncio.start_unix_server(self._worker, path=str(self.path))
        self.ready.set()
        async with server:
            await server.serve_forever()

    def _send_all(self, message: dict[str, Any]) -> None:
        line = (json.dumps(message) + "\n").encode()
        for writer in list(self.workers):
            if not writer.is_closing():
                with contextlib.suppress(ConnectionError):
                    writer.write(line)

    def _leave(self, writer: asyncio.StreamWriter, room: str, member: str) -> None:
        self.workers.get(writer, set()).discard((room, member))
        members = self.rooms.get(room)
        if members is None or member not in members:
            return
        members.discard(member)
        if not members:
            del self.rooms[room]
        self._send_all({"room": room, "event": {"type": "leave", "id": member, "ts": round(time.time(), 3)}})

    async def _worker(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.workers[writer] = set()
        try:
            while line := await _readline(reader):
                request = json.loads(line)
                op, room = request["op"], request["room"]
                if op == "join":
                    writer.write((json.dumps({"req": request["req"], **self._admit(writer, room, request["id"])}) + "\n").encode())
                    if request["id"] in self.rooms.get(room, ()):
                        self._send_all({"room": room, "event": {"type": "join", "id": request["id"], "ts": round(time.time(), 3)}})
                elif op == "leave":
                    self._leave(writer, room, request["id"])
                elif op == "say":
                    self._send_all({"room": room, "event": {**request["event"], "ts": round(time.time(), 3)}})
                with contextlib.suppress(ConnectionError):
                    await writer.drain()
        finally:
            for room, member in list(self.workers.get(writer, ())):
                self._leave(writer, room, member)  # a worker that died takes its members along
            self.workers.pop(writer, None)
            writer.close()

    def _admit(self, writer: asyncio.StreamWriter, room: str, member: str) -> dict[str, Any]:
        members = self.rooms.get(room)
        if members is None:
            if len(self.rooms) >= self.max_rooms:
                return {"ok": False, "reason": f"{self.max_rooms} rooms are open already: try an existing room"}
            members = self.rooms[room] = set()
        if len(members) >= self.max_members:
            return {"ok": False, "reason": f"room {room!r} is full ({self.max_members} members)"}
        members.add(member)
        self.workers[writer].add((room, member))
        return {"ok": True, "members": sorted(members)}


async def _readline(reader: asyncio.StreamReader) -> bytes:
    """A line, or b"" when the other side is gone (however it went)."""
    try:
        return await reader.readline()
    except ConnectionError:
        return b""


class SharedRooms:
    """This worker's side of the hub; the same interface as `chat.Rooms`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local: dict[str, dict[str, Member]] = {}
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.requests = itertools.count(1)
        self.writer: asyncio.StreamWriter | None = None
        self.connecting = asyncio.Lock()

    async def _connection(self) -> asyncio.StreamWriter:
        async with self.connecting:
            if self.writer is None or self.writer.is_closing():
                reader, self.writer = await asyncio.open_unix_connection(str(self.path))
                asyncio.get_running_loop().create_task(self._read(reader))
            return self.writer

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await _readline(reader):
            message = json.loads(line)
            if "req" in message:
                future = self.pending.pop(message["req"], None)
                if future is not None and not future.done():
                    future.set_result(message)
                continue
            event = {**message["event"], "room": message["room"]}
            for member in list(self.local.get(message["room"], {}).values()):
                try:
                    member.outbox.put_nowait(event)
                except asyncio.QueueFull:
                    member.overflowed.set()
        for future in self.pending.values():  # the hub went away: nobody waits forever
            if not future.done():
                future.set_result({"ok": False, "reason": "the chat hub is not running"})

    async def _send(self, message: dict[str, Any]) -> None:
        writer = await self._connection()
        writer.write((json.dumps(message) + "\n").encode())
        await writer.drain()

    async def join(self, room: str) -> tuple[Member, list[str]] | str:
        member = Member(id=secrets.token_hex(4))
        request = next(self.requests)
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[request] = answer
        # Local first: the member must be listening before the hub announces its join.
        self.local.setdefault(room, {})[member.id] = member
        await self._send({"op": "join", "req": request, "room": room, "id": member.id})
        reply = await answer
        if not reply["ok"]:
            self._forget(room, member)
            return str(reply["reason"])
        return member, list(reply["members"])

    def _forget(self, room: str, member: Member) -> None:
        members = self.local.get(room, {})
        members.pop(member.id, None)
        if not members:
            self.local.pop(room, None)

    async def leave(self, room: str, member: Member) -> None:
        self._forget(room, member)
        with contextlib.suppress(OSError):
            await self._send({"op": "leave", "room": room, "id": member.id})

    async def broadcast(self, room: str, event: dict[str, Any]) -> None:
        await self._send({"op": "say", "room": room, "event": event})

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
