"""`/ws/chat/{room}`: a broadcast room.

Every message a member sends reaches every member (itself included) as JSON with the sender's id
and a server timestamp; joins and leaves are announced. The rooms themselves — seats, caps,
fan-out — are a `RoomStore` (`rooms`): in this process's memory by default, in Redis with
`--redis-url` (needed for several workers or machines: the WebSockets page explains why).

What one member can do to the others is bounded here: text the chat does not show (`chat_text`:
control and bidi characters, unpaired surrogates, stacks of combining marks) is refused to its
sender, JSON nested too deeply to parse closes the sender with 1008, each send to a member has a deadline, and
a member that stops reading is closed with 1013 without holding up anyone's fan-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.status import WS_1000_NORMAL_CLOSURE, WS_1008_POLICY_VIOLATION, WS_1013_TRY_AGAIN_LATER

from playground.server.address_limits import ClientBuckets, client_address
from playground.server.chat_text import TooDeep, parse_chat_message
from playground.server.rooms import BrokerUnavailable, Limits, Member, Refused, RoomStore
from playground.server.rooms_local import LocalRooms
from playground.server.settings import Settings

if TYPE_CHECKING:
    import redis.asyncio as redis

# ASCII letters, digits, '-' and '_' only. `fullmatch`, not `match` with `$`: `$` also matches
# before a final newline, which let "lobby\n" in as a different room than "lobby".
ROOM_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")
JOIN_BURST = 20  # joins one address may make at once before --chat-joins-per-minute-per-ip applies


class _Ended(Exception):
    """The member was ended (too slow, broker gone): stop reading and writing, then close."""


def make_store(settings: Settings, client: redis.Redis | None) -> RoomStore:
    """In Redis through the process's one `client` when there is one, else this process's memory."""
    limits = Limits(settings.chat_max_rooms, settings.chat_max_members, settings.chat_max_rooms_per_ip)
    if client is not None:
        from playground.server.rooms_redis import RedisRooms

        return RedisRooms(client, limits)
    return LocalRooms(limits)


def make_router(settings: Settings, rooms: RoomStore) -> APIRouter:
    """The chat endpoint over `rooms`, which the app builds (`make_store`), keeps and closes."""
    router = APIRouter()
    # One message rate per room, all its members together (in this process): 16 sockets of one
    # address at ~300 msg/s into one room left a reader on a slow link 43 s behind, then dropped.
    rate = settings.chat_room_messages_per_second
    room_rates = ClientBuckets(rate, max(1, round(2 * rate)), 4 * settings.chat_max_rooms)
    # How fast one address may join rooms: 24 addresses once took all 100 rooms in moments.
    joins = ClientBuckets(settings.chat_joins_per_minute_per_ip / 60, JOIN_BURST, settings.http_max_clients)
    silence = settings.chat_room_silence_timeout
    # A send waits at most half the websocket send timeout; the close frame gets the other half
    # before the websocket guard drops the connection.
    deadline = settings.ws_send_timeout / 2

    @router.websocket("/ws/chat/{room}")
    async def chat(websocket: WebSocket, room: str) -> None:
        await websocket.accept()
        if not ROOM_NAME.fullmatch(room):
            await _close(
                websocket, WS_1008_POLICY_VIOLATION, "room names are 1-32 letters, digits, '-' or '_'", deadline
            )
            return
        address = client_address(websocket.scope)
        if not joins.take(address):
            wait = math.ceil(joins.retry_after(address))
            reason = f"joining rooms too fast from your address: try again in {wait} s"
            await _close(websocket, WS_1013_TRY_AGAIN_LATER, reason, deadline)
            return
        try:
            member, members = await rooms.join(room, address)
        except Refused as refused:
            await _close(websocket, WS_1013_TRY_AGAIN_LATER, str(refused), deadline)
            return
        try:
            async with asyncio.timeout(deadline):
                await websocket.send_json(
                    {"type": "welcome", "id": member.id, "room": room, "members": members, "worker": os.getpid()}
                )
            async with asyncio.TaskGroup() as group:
                group.create_task(_read(websocket, member, rooms, settings, room_rates))
                group.create_task(_write(websocket, member, deadline))
                group.create_task(_watch(member, rooms, silence))
        except* (WebSocketDisconnect, _Ended):
            pass
        except* TimeoutError:
            member.end(WS_1013_TRY_AGAIN_LATER, "too slow: the welcome could not be sent")
        finally:
            await rooms.leave(member)
        if member.ended.is_set():
            await _close(websocket, member.end_code, member.end_reason, deadline, member.last_words)

    return router


async def _read(
    websocket: WebSocket, member: Member, rooms: RoomStore, settings: Settings, room_rates: ClientBuckets
) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        text = message.get("text")
        if text is None:
            _tell(member, {"type": "error", "detail": "send text frames with JSON, not binary"})
            continue
        try:
            body = parse_chat_message(text, settings.chat_max_text)
            if not room_rates.take(member.room):
                rate = settings.chat_room_messages_per_second
                raise ValueError(f"not delivered: the room is busy (more than {rate:g} messages/s)")
            await rooms.broadcast(member.room, {"type": "message", "from": member.id, "text": body})
        except TooDeep as error:
            member.end(WS_1008_POLICY_VIOLATION, str(error))
            raise _Ended from None
        except ValueError as error:
            _tell(member, {"type": "error", "detail": str(error)})
        except BrokerUnavailable:
            _tell(
                member,
                {
                    "type": "error",
                    "reason": "broker unavailable",
                    "detail": "not delivered: the chat broker is unavailable",
                },
            )


def _tell(member: Member, event: dict[str, Any]) -> None:
    member.deliver(json.dumps(event, ensure_ascii=False))


async def _write(websocket: WebSocket, member: Member, deadline: float) -> None:
    """Send the outbox in order; a send that waits past the deadline ends the member with 1013."""
    while True:
        text = await member.outbox.get()
        try:
            async with asyncio.timeout(deadline):
                await websocket.send_text(text)
        except TimeoutError:
            member.end(WS_1013_TRY_AGAIN_LATER, f"too slow: a message waited {deadline:g} s to be sent")
            raise _Ended from None


async def _watch(member: Member, rooms: RoomStore, silence: float) -> None:
    """Ends the task group as soon as the member is ended, even mid-send; ends the member when
    its room has been silent for `silence` seconds (every member of the room sees the same)."""
    while (left := silence - rooms.quiet_for(member.room)) > 0:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(left):
                await member.ended.wait()
                raise _Ended
    member.end(WS_1000_NORMAL_CLOSURE, f"room closed after {silence:g} s without a message, join or leave")
    raise _Ended


async def _close(websocket: WebSocket, code: int, reason: str, deadline: float, last_words: str | None = None) -> None:
    """Close with a reason, never waiting past the deadline: a client that does not read cannot
    hold the handler (the guard drops its connection)."""
    with contextlib.suppress(TimeoutError, RuntimeError, OSError, WebSocketDisconnect):
        async with asyncio.timeout(deadline):
            if last_words is not None:
                await websocket.send_text(last_words)
            await websocket.close(code, reason[:120])
