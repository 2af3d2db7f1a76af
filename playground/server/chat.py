"""`/ws/chat/{room}`: a broadcast room.

Every message a member sends reaches every member (itself included) as JSON with the sender's id
and a server timestamp; joins and leaves are announced. Each member has a bounded outbox, so one
slow reader never holds up the room: a member whose outbox overflows is closed with 1013.

With one worker the rooms live in this process's memory (`Rooms`). With several workers each
process would have its own rooms and two readers could end up in different ones, so the rooms
then live in a hub that every worker talks to (`chat_broker`; the WebSockets page explains why).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from playground.server.settings import Settings

if TYPE_CHECKING:
    from playground.server.chat_broker import SharedRooms

ROOM_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
OUTBOX_SIZE = 256


@dataclass(eq=False)
class Member:
    id: str
    outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(OUTBOX_SIZE))
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)


class Rooms:
    """Rooms in this process's memory: right for one worker. With several workers the
    playground uses `chat_broker.SharedRooms`, which has the same four methods."""

    def __init__(self, max_rooms: int, max_members: int) -> None:
        self.max_rooms, self.max_members = max_rooms, max_members
        self.rooms: dict[str, dict[str, Member]] = {}

    async def join(self, room: str) -> tuple[Member, list[str]] | str:
        """The new member and everyone in the room (the join is announced), or why not."""
        members = self.rooms.get(room)
        if members is None:
            if len(self.rooms) >= self.max_rooms:
                return f"{self.max_rooms} rooms are open already: try an existing room"
            members = self.rooms[room] = {}
        if len(members) >= self.max_members:
            return f"room {room!r} is full ({self.max_members} members)"
        member = Member(id=secrets.token_hex(4))
        members[member.id] = member
        await self.broadcast(room, {"type": "join", "id": member.id})
        return member, sorted(members)

    async def leave(self, room: str, member: Member) -> None:
        members = self.rooms.get(room, {})
        members.pop(member.id, None)
        if not members:
            self.rooms.pop(room, None)
        await self.broadcast(room, {"type": "leave", "id": member.id})

    async def broadcast(self, room: str, event: dict[str, Any]) -> None:
        event = {**event, "room": room, "ts": round(time.time(), 3)}
        for member in list(self.rooms.get(room, {}).values()):
            try:
                member.outbox.put_nowait(event)
            except asyncio.QueueFull:
                member.overflowed.set()


def parse_chat_message(text: str, max_chars: int) -> str:
    """The text of a client message ``{"text": "..."}``; ValueError says what was wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"expected JSON like {{\"text\": \"hi\"}}, got invalid JSON ({error.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError('expected an object with a string "text", like {"text": "hi"}')
    if not data["text"].strip():
        raise ValueError("the text is empty")
    if len(data["text"]) > max_chars:
        raise ValueError(f"the text has {len(data['text'])} characters; the limit is {max_chars}")
    return data["text"]


def make_router(settings: Settings) -> APIRouter:
    router = APIRouter()
    rooms: Rooms | SharedRooms
    if settings.chat_broker:
        from playground.server.chat_broker import SharedRooms

        rooms = SharedRooms(Path(settings.chat_broker))
    else:
        rooms = Rooms(settings.chat_max_rooms, settings.chat_max_members)
    router.rooms = rooms  # type: ignore[attr-defined] - for tests

    @router.websocket("/ws/chat/{room}")
    async def chat(websocket: WebSocket, room: str) -> None:
        await websocket.accept()
        if not ROOM_NAME.match(room):
            await websocket.close(1008, "room names are 1-32 letters, digits, '-' or '_'")
            return
        joined = await rooms.join(room)
        if isinstance(joined, str):
            await websocket.close(1013, joined)
            return
        member, members = joined
        await websocket.send_json({"type": "welcome", "id": member.id, "room": room, "members": members,
                                   "worker": os.getpid()})
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(_read(websocket, room, member, rooms, settings))
                group.create_task(_write(websocket, member))
        except* WebSocketDisconnect:
            pass
        finally:
            await rooms.leave(room, member)

    return router


async def _read(websocket: WebSocket, room: str, member: Member, rooms: Rooms | SharedRooms, settings: Settings) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        text = message.get("text")
        if text is None:
            await member.outbox.put({"type": "error", "detail": "send text frames with JSON, not binary"})
            continue
        try:
            body = parse_chat_message(text, settings.chat_max_text)
        except ValueError as error:
            await member.outbox.put({"type": "error", "detail": str(error)})
            continue
        await rooms.broadcast(room, {"type": "message", "from": member.id, "text": body})


async def _write(websocket: WebSocket, member: Member) -> None:
    overflow = asyncio.ensure_future(member.overflowed.wait())
    try:
        while True:
            get = asyncio.ensure_future(member.outbox.get())
            done, _ = await asyncio.wait({get, overflow}, return_when=asyncio.FIRST_COMPLETED)
            if overflow in done:
                get.cancel()
                await websocket.close(1013, f"too slow: more than {OUTBOX_SIZE} messages behind")
                raise WebSocketDisconnect(1013)
            await websocket.send_json(get.result())
    finally:
        overflow.cancel()
